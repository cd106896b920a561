import type { Logger } from '@careforall/logger'
import type { ReadinessChecks } from './ops'

export interface UnreadyWatchdogOptions {
  /** The service's own dependencies (its database, broker, Redis), as `/ready` checks them. */
  checks: ReadinessChecks
  /** How long one of them may go without answering before the process gives up; 0 turns it off. */
  exitAfterMs: number
  /** How often the checks run. Default: a fifth of `exitAfterMs`, between 1 and 5 seconds. */
  intervalMs?: number
  logger: Logger
  /** What giving up does; the default exits the process with status 1. */
  exit?: (code: number) => void
}

export interface UnreadyWatchdog {
  stop(): void
}

/**
 * Defence in depth for the faults recovery code cannot see: a client wedged on a half-open socket,
 * a reconnect that never settles. When a dependency has not answered one check for `exitAfterMs`,
 * the process logs one clear line and exits non-zero, so whatever supervises it (`bun run dev`,
 * compose's restart policy, Kubernetes) starts a fresh one, as a failing liveness probe would.
 *
 * What counts is progress, not `/ready`'s one-second verdict: each check may take as long as the
 * whole limit, so a pool that is only busy (its ping queued behind real work) is never taken for a
 * wedged one, and one check at a time runs per dependency, so a hung one does not pile up more.
 */
export function startUnreadyWatchdog(options: UnreadyWatchdogOptions): UnreadyWatchdog {
  const { exitAfterMs, logger } = options
  const names = Object.keys(options.checks)
  if (exitAfterMs <= 0 || names.length === 0) return { stop: () => undefined }
  const intervalMs = options.intervalMs ?? Math.min(5000, Math.max(1000, Math.floor(exitAfterMs / 5)))
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const started = Date.now()
  const lastAnswered = new Map(names.map((name) => [name, started]))
  const inFlight = new Set<string>()
  let stopped = false

  const probe = (name: string) => {
    if (inFlight.has(name)) return
    inFlight.add(name)
    options.checks[name]!(exitAfterMs)
      .catch(() => false)
      .then((up) => {
        if (up) lastAnswered.set(name, Date.now())
      })
      .finally(() => inFlight.delete(name))
  }
  const tick = () => {
    if (stopped) return
    const now = Date.now()
    const silent = names.filter((name) => now - lastAnswered.get(name)! >= exitAfterMs)
    if (silent.length > 0) {
      stopped = true
      clearInterval(timer)
      const downForMs = Math.max(...silent.map((name) => now - lastAnswered.get(name)!))
      logger.fatal(
        { unready: silent, downForMs, exitAfterMs },
        `${silent.join(', ')} unreachable for more than ${Math.round(exitAfterMs / 1000)} s; exiting so the supervisor starts a fresh process`,
      )
      exit(1)
      return
    }
    for (const name of names) probe(name)
  }
  const timer = setInterval(tick, intervalMs)
  tick()
  return {
    stop: () => {
      stopped = true
      clearInterval(timer)
    },
  }
}
