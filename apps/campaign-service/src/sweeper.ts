import type { Logger } from '@careforall/logger'
import type { Campaigns } from './campaigns'

/** Completes ended campaigns every `intervalMs`; stops cleanly on shutdown. */
export function startSweeper(campaigns: Campaigns, intervalMs: number, logger: Logger) {
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = campaigns
      .completeEnded()
      .catch((error: unknown) => logger.error({ err: error }, 'campaign sweep failed'))
  }, intervalMs)
  return {
    stop: async () => {
      clearInterval(timer)
      await running
    },
  }
}
