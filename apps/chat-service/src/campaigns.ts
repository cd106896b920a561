import { CampaignSummary } from '@careforall/contracts'
import { createInternalClient, NotFoundError } from '@careforall/http'
import type { Logger } from '@careforall/logger'

export type CampaignOf = (id: string) => Promise<CampaignSummary | undefined>

/** Asks the campaign service about a room's campaign (its internal route, never its schema). */
export function createCampaignClient(baseUrl: string, secret: string, logger: Logger): CampaignOf {
  const get = createInternalClient({ baseUrl, secret, logger, what: 'Campaigns' })
  return (id) => get(`/internal/campaigns/${id}`, CampaignSummary)
}

/**
 * A room exists for every public campaign: a draft or an unknown id has none (404, the same
 * answer for both, so drafts stay private).
 */
export async function roomOf(campaignOf: CampaignOf, campaignId: string): Promise<CampaignSummary> {
  const campaign = await campaignOf(campaignId)
  if (!campaign || campaign.status === 'DRAFT') throw new NotFoundError('No campaign with this id')
  return campaign
}

/** A completed campaign's room is read-only history: its socket is refused. */
export function isOpen(campaign: CampaignSummary): boolean {
  return campaign.status === 'ACTIVE' || campaign.status === 'PAUSED'
}
