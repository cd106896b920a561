import type { Subprocess } from 'bun'
import { formatLine, prefixFor } from './log-format'
import { createOutput, type Output } from './output'

export interface ManagedProcess {
  name: string
  /** How many times it was started again after exiting on its own. */
  restarts(): number
  stop(): Promise<void>
}

export interface Backoff {
  /** The pause before the first restart; it doubles per failure up to `maxMs`. */
  initialMs: number
  maxMs: number
  /** A run that lasted this long counts as healthy: the next pause starts small again. */
  healthyAfterMs: number
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 10_000, healthyAfterMs: 30_000 }

export interface StartOptions {
  name: string
  index: number
  cwd: string
  cmd: string[]
  env: Record<string, string | undefined>
  raw: boolean
  color: boolean
  output?: Output
  /** Takes each line first; true means it was absorbed (a repeated warning) and is not printed. */
  absorb?: (service: string, line: string) => boolean
  backoff?: Backoff
}

/** `exited with code 1` / `was killed by SIGKILL`: what happened to the process, in words. */
function howItEnded(child: Subprocess): string {
  return child.signalCode ? `was killed by ${child.signalCode}` : `exited with code ${child.exitCode}`
}

/**
 * Runs one service, prefixing its log lines, and starts it again whenever it ends on its own
 * (a crash, an exit after staying unready, a SIGKILL), with a pause that doubles per quick
 * failure so a broken service does not spin. Says so each time.
 */
export function startManaged(options: StartOptions): ManagedProcess {
  const prefix = prefixFor(options.name, options.index, options.color)
  const output = options.output ?? createOutput({ tty: false })
  const backoff = options.backoff ?? DEFAULT_BACKOFF
  let child: Subprocess<'ignore', 'pipe', 'pipe'> | undefined
  let stopping = false
  let failures = 0
  let restarts = 0
  let pending: Timer | undefined

  const pump = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    let buffered = ''
    for await (const chunk of stream) {
      buffered += decoder.decode(chunk, { stream: true })
      const lines = buffered.split('\n')
      buffered = lines.pop() ?? ''
      // One write per chunk read, not per line: at thousands of requests a second a write each
      // was most of the runner's CPU.
      const shown: string[] = []
      for (const line of lines) {
        if (!line.trim() || options.absorb?.(options.name, line)) continue
        shown.push(`${prefix} ${options.raw ? line : formatLine(line, options.color)}`)
      }
      output.lines(shown)
    }
  }

  const launch = () => {
    const started = Date.now()
    const proc = Bun.spawn(options.cmd, {
      cwd: options.cwd,
      env: options.env,
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    child = proc
    const drained = Promise.all([pump(proc.stdout), pump(proc.stderr)])
    void proc.exited.then(async () => {
      // The last lines first (a grandchild holding the pipes open must not stop the restart).
      await Promise.race([drained, Bun.sleep(1000)])
      if (stopping) return
      failures = Date.now() - started >= backoff.healthyAfterMs ? 1 : failures + 1
      const delay = Math.min(backoff.maxMs, backoff.initialMs * 2 ** (failures - 1))
      output.line(`${prefix} ${howItEnded(proc)}; restarting in ${(delay / 1000).toFixed(1)} s`)
      pending = setTimeout(() => {
        if (stopping) return
        restarts++
        launch()
      }, delay)
    })
  }
  launch()

  return {
    name: options.name,
    restarts: () => restarts,
    stop: async () => {
      stopping = true
      clearTimeout(pending)
      if (!child || child.exitCode !== null || child.signalCode !== null) return
      child.kill('SIGTERM')
      const ended = await Promise.race([child.exited.then(() => true), Bun.sleep(15_000).then(() => false)])
      if (!ended) child.kill('SIGKILL')
    },
  }
}
