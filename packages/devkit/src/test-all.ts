import { readdir, rm } from 'node:fs/promises'
import { join } from 'node:path'
import { devEnv, inheritedEnv } from './env'
import { requireServers } from './preflight'

/**
 * `bun run test`: lint, typecheck, then every package's tests (unit, integration, e2e) through
 * turbo, and one closing line `N passed, N failed` counted from the JUnit reports that `bun test`
 * writes (its own summary goes to stderr in a form CI does not read).
 */
const root = new URL('../../../', import.meta.url).pathname
const env = { ...inheritedEnv, TURBO_TELEMETRY_DISABLED: '1', FORCE_COLOR: devEnv.CI ? '0' : '1' }

async function run(label: string, cmd: string[]): Promise<boolean> {
  console.log(`\n=== ${label}: ${cmd.join(' ')}`)
  const proc = Bun.spawn(cmd, { cwd: root, env, stdout: 'inherit', stderr: 'inherit', stdin: 'ignore' })
  return (await proc.exited) === 0
}

async function reportFiles(): Promise<string[]> {
  const workspaces = ['infra']
  for (const group of ['apps', 'packages']) {
    for (const name of await readdir(join(root, group))) workspaces.push(join(group, name))
  }
  const files: string[] = []
  for (const workspace of workspaces) {
    const file = join(root, workspace, '.test-results', 'junit.xml')
    if (await Bun.file(file).exists()) files.push(file)
  }
  return files
}

interface Counts {
  tests: number
  failures: number
  skipped: number
}

/** Reads the totals of a JUnit report's root element. */
function countsOf(xml: string): Counts {
  const root = /<testsuites\b[^>]*>/.exec(xml)?.[0] ?? ''
  const attr = (name: string) => Number(new RegExp(`\\b${name}="(\\d+)"`).exec(root)?.[1] ?? 0)
  return { tests: attr('tests'), failures: attr('failures') + attr('errors'), skipped: attr('skipped') }
}

// Every integration and end-to-end test needs the three servers: say so once, up front.
await requireServers({ onMissing: () => console.log('0 passed, 1 failed') })
for (const file of await reportFiles()) await rm(file)
const checks = [
  ['lint', await run('lint', ['bunx', 'biome', 'ci', '.'])],
  [
    'typecheck',
    await run('typecheck', ['bunx', 'turbo', 'run', 'typecheck', '--continue', '--concurrency=2']),
  ],
] as const
const testsOk = await run('tests', [
  'bunx',
  'turbo',
  'run',
  'test',
  '--continue',
  '--concurrency=2',
  '--output-logs=errors-only',
])

let passed = 0
let failed = 0
let skipped = 0
const packages: string[] = []
for (const file of await reportFiles()) {
  const counts = countsOf(await Bun.file(file).text())
  passed += counts.tests - counts.failures - counts.skipped
  failed += counts.failures
  skipped += counts.skipped
  packages.push(
    `${file.slice(root.length).replace('/.test-results/junit.xml', '')}: ${counts.tests - counts.failures - counts.skipped} passed, ${counts.failures} failed`,
  )
}
console.log(`\n${packages.join('\n')}`)
for (const [name, ok] of checks) {
  console.log(`${name}: ${ok ? 'passed' : 'FAILED'}`)
  if (!ok) failed++
}
if (!testsOk && failed === 0) {
  console.log('a test task failed without a JUnit failure (it crashed or found no tests)')
  failed++
}
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
