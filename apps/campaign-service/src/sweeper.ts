import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { completeEndedCampaigns } from './usecases/campaigns'

/** Completes ended campaigns every `intervalMs`; stops cleanly on shutdown. */
export function startSweeper(sql: Sql, intervalMs: number, logger: Logger) {
  let running: Promise<unknown> = Promise.resolve()
  const timer = setInterval(() => {
    running = completeEndedCampaigns(sql, logger).catch((error: unknown) =>
      logger.error({ err: error }, 'campaign sweep failed'),
    )
  }, intervalMs)
  return {
    stop: async () => {
      clearInterval(timer)
      await running
    },
  }
}
