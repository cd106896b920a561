import { CampaignSummary } from '@careforall/contracts'
import { createInternalClient } from '@careforall/http'
import type { Logger } from '@careforall/logger'

/**
 * Asks the campaign service (its internal route, never its schema) about a campaign at the
 * moment of pledging. Unknown → undefined; unreachable or outside the contract → 503, because
 * accepting a pledge for a campaign we could not check would break the "only ACTIVE campaigns" rule.
 */
export function createCampaignClient(baseUrl: string, secret: string, logger: Logger) {
  const get = createInternalClient({ baseUrl, secret, logger, what: 'Campaigns' })
  return (id: string): Promise<CampaignSummary | undefined> =>
    get(`/internal/campaigns/${id}`, CampaignSummary)
}

export type CampaignOf = ReturnType<typeof createCampaignClient>
