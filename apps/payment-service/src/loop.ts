import type { Logger } from '@careforall/logger'

export interface Loop {
  /** Runs a round soon (now, or right after the one in progress). */
  wake(): void
  /** Resolves when no round is running and none is wanted: for tests and shutdown. */
  idle(): Promise<void>
  stop(): Promise<void>
}

/**
 * A background worker: one round at a time, every `intervalMs` and whenever woken. A round that
 * reports more work (a full batch) is followed at once by another. Errors are logged and the
 * next tick tries again, so a database blip never kills the worker.
 */
export function startLoop(options: {
  name: string
  intervalMs: number
  logger: Logger
  /** Does one batch; true when there may be more due right now. */
  round: () => Promise<boolean>
}): Loop {
  let running: Promise<void> | undefined
  let wanted = false
  let stopped = false

  const pump = () => {
    if (running || stopped || !wanted) return
    wanted = false
    running = (async () => {
      try {
        if (await options.round()) wanted = true
      } catch (error) {
        options.logger.error({ err: error, worker: options.name }, 'worker round failed; retrying later')
      }
    })().finally(() => {
      running = undefined
      pump()
    })
  }
  const wake = () => {
    wanted = true
    pump()
  }
  const timer = setInterval(wake, options.intervalMs)
  timer.unref?.()
  queueMicrotask(wake)

  return {
    wake,
    idle: async () => {
      while (running || (wanted && !stopped)) await (running ?? Bun.sleep(1))
    },
    stop: async () => {
      stopped = true
      clearInterval(timer)
      await running
    },
  }
}
