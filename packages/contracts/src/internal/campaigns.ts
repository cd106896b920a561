import { z } from '@hono/zod-openapi'
import { CampaignStatus } from '../events/catalog'

/**
 * A campaign as the campaign service reports it: the body of its public reads and of
 * `GET /internal/campaigns/{id}`, which the pledge service asks at the moment of pledging (is it
 * ACTIVE, who owns it). The campaign service answers with this schema and the pledge service
 * parses with it, so the two cannot drift apart.
 */
export const CampaignSummary = z
  .object({
    id: z.uuid(),
    title: z.string(),
    description: z.string(),
    goalAmount: z.number(),
    status: CampaignStatus,
    ownerId: z.uuid(),
    startDate: z.string(),
    endDate: z.string(),
    version: z.number().int(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('CampaignSummary')
export type CampaignSummary = z.infer<typeof CampaignSummary>
