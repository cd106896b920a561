import { spawnBun, waitUntilAnswers } from '@careforall/devkit/testing'

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
  const spawned = spawnBun('src/index.ts', {
    cwd: `${import.meta.dir}/../..`,
    env: { OTEL_SERVICE_NAME: 'payment-service', ...env },
  })
  const { proc, output } = spawned
  return {
    proc,
    output,
    exited: (ms) =>
      Promise.race([
        proc.exited,
        Bun.sleep(ms).then(() => Promise.reject(new Error(`still running after ${ms} ms:\n${output()}`))),
      ]),
    ready: (url, ms = 20_000) => waitUntilAnswers(`${url}/ready`, spawned, ms),
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM')
      return proc.exited
    },
  }
}
