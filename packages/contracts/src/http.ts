import { z } from '@hono/zod-openapi'
import { Money, Timestamp } from './common'
import { CampaignStatus } from './events/catalog'

/*
 * Request bodies that a service validates and a client's form validates too (the admin panel):
 * one schema for both, so the form refuses exactly what the API would.
 */

export const CampaignTitle = z.string().trim().min(1).max(200).openapi({ example: 'Clean water for Rangpur' })
export const CampaignDescription = z.string().max(10_000).openapi({ example: 'Tube wells for six villages.' })

/** `POST /api/campaigns`. */
export const NewCampaign = z
  .strictObject({
    title: CampaignTitle,
    description: CampaignDescription,
    goalAmount: Money,
    startDate: Timestamp,
    endDate: Timestamp,
  })
  .refine((c) => new Date(c.endDate) > new Date(c.startDate), {
    message: 'endDate must be after startDate',
    path: ['endDate'],
  })
export type NewCampaign = z.infer<typeof NewCampaign>

/** `PATCH /api/campaigns/{id}`: fields and/or a status move. */
export const CampaignPatch = z
  .strictObject({
    title: CampaignTitle.optional(),
    description: CampaignDescription.optional(),
    goalAmount: Money.optional(),
    startDate: Timestamp.optional(),
    endDate: Timestamp.optional(),
    status: CampaignStatus.optional().openapi({
      description: 'DRAFT → ACTIVE ⇄ PAUSED, ACTIVE|PAUSED → COMPLETED',
    }),
  })
  .refine((patch) => Object.values(patch).some((value) => value !== undefined), {
    message: 'nothing to change',
  })
export type CampaignPatch = z.infer<typeof CampaignPatch>

/** The campaign lifecycle: DRAFT → ACTIVE ⇄ PAUSED, ACTIVE|PAUSED → COMPLETED; COMPLETED is final. */
export const CAMPAIGN_MOVES: Readonly<Record<CampaignStatus, readonly CampaignStatus[]>> = {
  DRAFT: ['ACTIVE'],
  ACTIVE: ['PAUSED', 'COMPLETED'],
  PAUSED: ['ACTIVE', 'COMPLETED'],
  COMPLETED: [],
}

/** `POST /api/auth/login`. */
export const Credentials = z.strictObject({
  email: z.string().max(254),
  password: z.string().min(1).max(128),
})
export type Credentials = z.infer<typeof Credentials>

export const UserRole = z.enum(['donor', 'admin'])
export type UserRole = z.infer<typeof UserRole>

/** `PATCH /api/auth/users/{id}`. */
export const UserPatch = z
  .strictObject({ role: UserRole.optional(), disabled: z.boolean().optional() })
  .refine((body) => body.role !== undefined || body.disabled !== undefined, 'give role or disabled')
export type UserPatch = z.infer<typeof UserPatch>

/** `POST /api/payments/{id}/refund`: no amount refunds all that remains. */
export const RefundRequest = z.strictObject({
  amount: Money.optional().openapi({ description: 'All that remains when omitted' }),
})
export type RefundRequest = z.infer<typeof RefundRequest>
