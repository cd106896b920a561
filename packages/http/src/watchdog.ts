import type { Logger } from '@careforall/logger'
import { checkReadiness, type ReadinessChecks } from './ops'

export interface UnreadyWatchdogOptions {
  /** The service's own dependencies (its database, broker, Redis), as `/ready` checks them. */
  checks: ReadinessChecks
  /** How long one of them may stay down before the process gives up; 0 turns the watchdog off. */
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
 * a reconnect that never settles. A dependency that stays down past `exitAfterMs` makes the
 * process exit non-zero with one clear line, so whatever supervises it (`bun run dev`, compose's
 * restart policy, Kubernetes) starts a fresh one, as a failing liveness probe would. Checks that
 * come back in time reset the clock.
 */
export function startUnreadyWatchdog(options: UnreadyWatchdogOptions): UnreadyWatchdog {
  const { exitAfterMs, logger } = options
  if (exitAfterMs <= 0 || Object.keys(options.checks).length === 0) return { stop: () => undefined }
  const intervalMs = options.intervalMs ?? Math.min(5000, Math.max(1000, Math.floor(exitAfterMs / 5)))
  const exit = options.exit ?? ((code: number) => process.exit(code))
  const downSince = new Map<string, number>()
  let stopped = false
  let running = false

  const tick = async () => {
    if (running || stopped) return
    running = true
    try {
      const states = await checkReadiness(options.checks)
      if (stopped) return
      const now = Date.now()
      for (const [name, state] of Object.entries(states)) {
        if (state === 'up') downSince.delete(name)
        else if (!downSince.has(name)) downSince.set(name, now)
      }
      const expired = [...downSince].filter(([, since]) => now - since >= exitAfterMs)
      if (expired.length === 0) return
      stopped = true
      clearInterval(timer)
      const names = expired.map(([name]) => name)
      logger.fatal(
        { unready: names, downForMs: Math.max(...expired.map(([, since]) => now - since)), exitAfterMs },
        `${names.join(', ')} unreachable for more than ${Math.round(exitAfterMs / 1000)} s; exiting so the supervisor starts a fresh process`,
      )
      exit(1)
    } finally {
      running = false
    }
  }
  const timer = setInterval(() => void tick(), intervalMs)
  timer.unref?.()
  return {
    stop: () => {
      stopped = true
      clearInterval(timer)
    },
  }
}
