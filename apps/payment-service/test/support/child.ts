import { inheritedEnv } from '@careforall/devkit/testing'

export interface Child {
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  output(): string
  /** Resolves with the exit code, or rejects after `ms`. */
  exited(ms: number): Promise<number>
  /** Resolves once `/ready` answers 200 (rejects if the process exits first). */
  ready(url: string, ms?: number): Promise<void>
  stop(): Promise<number>
}

/**
 * The payment service as a real process (`bun src/index.ts`, telemetry preloaded), as in
 * production, so a fault point can kill it for real: nothing flushed, nothing committed.
 */
export function startChild(env: Record<string, string>): Child {
  const proc = Bun.spawn([process.execPath, '--preload', '@careforall/otel/register', 'src/index.ts'], {
    cwd: `${import.meta.dir}/../..`,
    env: { ...inheritedEnv, OTEL_SERVICE_NAME: 'payment-service', ...env },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let output = ''
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += new TextDecoder().decode(chunk)
  }
  void collect(proc.stdout)
  void collect(proc.stderr)
  return {
    proc,
    output: () => output,
    exited: (ms) =>
      Promise.race([
        proc.exited,
        Bun.sleep(ms).then(() => Promise.reject(new Error(`still running after ${ms} ms:\n${output}`))),
      ]),
    ready: async (url, ms = 20_000) => {
      const deadline = Date.now() + ms
      while (Date.now() < deadline) {
        if (proc.exitCode !== null) throw new Error(`exited with ${proc.exitCode}:\n${output}`)
        const ok = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1000) })
          .then((res) => res.ok)
          .catch(() => false)
        if (ok) return
        await Bun.sleep(100)
      }
      throw new Error(`not ready in time:\n${output}`)
    },
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM')
      return proc.exited
    },
  }
}
