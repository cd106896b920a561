import { readdir, stat } from 'node:fs/promises'
import { join } from 'node:path'

/** The admin panel's app folder and its build, which the gateway serves at /admin. */
export const ADMIN_DIR = new URL('../../../apps/admin', import.meta.url).pathname
export const ADMIN_DIST = join(ADMIN_DIR, 'dist')

/** The panel's own `build` script (Vite on Bun), quiet but for warnings; `--watch` rebuilds on change. */
export function adminBuildCommand(...args: string[]): string[] {
  return [process.execPath, 'run', 'build', '--logLevel', 'warn', ...args]
}

async function newestMtime(path: string): Promise<number> {
  const info = await stat(path)
  if (!info.isDirectory()) return info.mtimeMs
  let newest = info.mtimeMs
  for (const entry of await readdir(path)) newest = Math.max(newest, await newestMtime(join(path, entry)))
  return newest
}

/**
 * Whether the build is older than any of its inputs (the panel's sources, its page, its config,
 * its dependencies, the shared contracts): a second `bun run dev` or a test's platform skips the
 * build when nothing changed.
 */
export async function adminBuildIsStale(): Promise<boolean> {
  const built = await stat(join(ADMIN_DIST, 'index.html')).catch(() => undefined)
  if (!built) return true
  const inputs = [
    join(ADMIN_DIR, 'src'),
    join(ADMIN_DIR, 'index.html'),
    join(ADMIN_DIR, 'vite.config.ts'),
    join(ADMIN_DIR, 'package.json'),
    new URL('../../contracts/src', import.meta.url).pathname,
  ]
  for (const input of inputs) if ((await newestMtime(input)) > built.mtimeMs) return true
  return false
}

/** Builds the panel once; resolves with Vite's output when it fails. */
export async function buildAdminPanel(): Promise<{ ok: true } | { ok: false; output: string }> {
  const proc = Bun.spawn(adminBuildCommand(), {
    cwd: ADMIN_DIR,
    stdout: 'pipe',
    stderr: 'pipe',
    stdin: 'ignore',
  })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return code === 0 ? { ok: true } : { ok: false, output: `${out}${err}`.trim() }
}
