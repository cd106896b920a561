import { CampaignSummary } from '@careforall/contracts'
import { INTERNAL_SECRET_HEADER, ServiceUnavailableError } from '@careforall/http'
import type { Logger } from '@careforall/logger'
import { injectTraceHeaders } from '@careforall/otel'

/**
 * Asks the campaign service (its internal route, never its schema) about a campaign at the
 * moment of pledging, parsing the answer with the contract that route answers with. Unknown →
 * undefined; unreachable or an answer not in the contract → 503, because accepting a pledge for a
 * campaign we could not check would break the "only ACTIVE campaigns" rule.
 */
export function createCampaignClient(baseUrl: string, secret: string, logger: Logger) {
  return async function campaignOf(id: string): Promise<CampaignSummary | undefined> {
    let res: Response
    try {
      res = await fetch(`${baseUrl}/internal/campaigns/${id}`, {
        headers: injectTraceHeaders(new Headers({ [INTERNAL_SECRET_HEADER]: secret })),
        signal: AbortSignal.timeout(3000),
      })
    } catch (error) {
      logger.error({ err: error }, 'campaign service unreachable')
      throw new ServiceUnavailableError('Campaigns cannot be checked right now; retry shortly')
    }
    if (res.status === 404) return undefined
    if (!res.ok) {
      logger.error({ status: res.status }, 'campaign service answered an error')
      throw new ServiceUnavailableError('Campaigns cannot be checked right now; retry shortly')
    }
    const campaign = CampaignSummary.safeParse(await res.json().catch(() => undefined))
    if (!campaign.success) {
      logger.error({ issues: campaign.error.issues }, 'campaign service answered outside its contract')
      throw new ServiceUnavailableError('Campaigns cannot be checked right now; retry shortly')
    }
    return campaign.data
  }
}

export type CampaignOf = ReturnType<typeof createCampaignClient>
