import type { Logger } from '@careforall/logger'
import { injectTraceHeaders } from '@careforall/otel'

/**
 * Reads a campaign's current amount from the totals service (the read model owns the sums; the
 * campaign service stores none). A slow or absent totals service must not fail a campaign read:
 * the amount is then null and the page shows the campaign without it.
 */
export function createTotalsClient(baseUrl: string, logger: Logger) {
  return async function currentAmount(campaignId: string): Promise<number | null> {
    try {
      const res = await fetch(`${baseUrl}/api/totals/${campaignId}`, {
        headers: injectTraceHeaders(new Headers({ accept: 'application/json' })),
        signal: AbortSignal.timeout(500),
      })
      if (!res.ok) return null
      const body = (await res.json()) as { totalAmount?: unknown }
      return typeof body.totalAmount === 'number' ? body.totalAmount : null
    } catch (error) {
      logger.debug({ err: error, campaignId }, 'totals unavailable')
      return null
    }
  }
}

export type CurrentAmount = ReturnType<typeof createTotalsClient>
