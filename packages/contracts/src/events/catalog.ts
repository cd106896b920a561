import { z } from 'zod'

const uuid = z.uuid()
const cents = z.number().int().nonnegative()
const isoTime = z.iso.datetime({ offset: true })

export const PledgeState = z.enum(['PENDING', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED'])
export type PledgeState = z.infer<typeof PledgeState>
export const CampaignStatus = z.enum(['DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED'])
export type CampaignStatus = z.infer<typeof CampaignStatus>
export const PaymentFailureReason = z.enum(['card_declined', 'capture_failed', 'authorization_expired'])

/**
 * The event catalog: one constant per event type (`domain.past_tense`, also the routing key) and
 * one Zod schema for its `data`. Services import these; none copies an event type. Events never
 * carry emails, tokens or secrets: they end up in Elasticsearch. Money is integer cents.
 */
export const Events = {
  /** `{pledgeId, campaignId, campaignOwnerId, userId|null, donorKey, amountCents, currency, paymentMethod, anonymous}` */
  PledgeCreated: 'pledge.created',
  /** `{pledgeId, campaignId, from, to, causeEventId}` */
  PledgeStateChanged: 'pledge.state_changed',
  /** `{paymentId, pledgeId, campaignId, donorKey, amountCents, providerTransactionId}` */
  PaymentAuthorized: 'payment.authorized',
  /** `{paymentId, pledgeId, campaignId, donorKey, amountCents, providerTransactionId, actorId?}` */
  PaymentCaptured: 'payment.captured',
  /** `{paymentId, pledgeId, campaignId, donorKey, amountCents, providerTransactionId, reason}` */
  PaymentFailed: 'payment.failed',
  /** `{paymentId, pledgeId, campaignId, donorKey, amountCents, providerTransactionId, refundId, actorId?}` */
  PaymentRefunded: 'payment.refunded',
  /** `{campaignId, ownerId, status, goalCents, startDate, endDate, version}` */
  CampaignCreated: 'campaign.created',
  /** `{campaignId, ownerId, status, goalCents, startDate, endDate, version}` */
  CampaignUpdated: 'campaign.updated',
  /** `{campaignId, ownerId, status, goalCents, startDate, endDate, version}` */
  CampaignCompleted: 'campaign.completed',
  /** `{messageId, campaignId, userId, at}` */
  ChatMessage: 'chat.message',
  /** `{messageId, campaignId}` */
  ChatMessageDeleted: 'chat.message_deleted',
  /** `{userId}` */
  AuthUserDisabled: 'auth.user_disabled',
  /** `{userId}`: never the token, which goes only to the user. */
  AuthPasswordResetRequested: 'auth.password_reset_requested',
} as const

const paymentData = z.object({
  paymentId: uuid,
  pledgeId: uuid,
  campaignId: uuid,
  donorKey: z.string().min(1),
  amountCents: cents,
  providerTransactionId: z.string().min(1),
  refundId: uuid.optional(),
  reason: PaymentFailureReason.optional(),
  /**
   * The admin who asked for this capture or refund (the audit log records it); absent when the
   * platform acted on its own (an automatic capture). An id, never an email.
   */
  actorId: uuid.optional(),
})

const campaignData = z.object({
  campaignId: uuid,
  ownerId: uuid,
  status: CampaignStatus,
  goalCents: cents,
  startDate: isoTime,
  endDate: isoTime,
  version: z.number().int().positive(),
})

/** The `data` schema of every event type; consumers `parse()` what they receive with it. */
export const eventSchemas = {
  [Events.PledgeCreated]: z.object({
    pledgeId: uuid,
    campaignId: uuid,
    campaignOwnerId: uuid,
    userId: uuid.nullable(),
    donorKey: z.string().min(1),
    amountCents: cents.positive(),
    currency: z.literal('USD'),
    // As the payment service and the provider store it: a longer one could never be charged.
    paymentMethod: z.string().min(1).max(64),
    anonymous: z.boolean(),
  }),
  [Events.PledgeStateChanged]: z.object({
    pledgeId: uuid,
    campaignId: uuid,
    from: PledgeState,
    to: PledgeState,
    causeEventId: z.string().min(1),
  }),
  [Events.PaymentAuthorized]: paymentData,
  [Events.PaymentCaptured]: paymentData,
  [Events.PaymentFailed]: paymentData.extend({ reason: PaymentFailureReason }),
  [Events.PaymentRefunded]: paymentData.extend({ refundId: uuid }),
  [Events.CampaignCreated]: campaignData,
  [Events.CampaignUpdated]: campaignData,
  [Events.CampaignCompleted]: campaignData,
  [Events.ChatMessage]: z.object({ messageId: uuid, campaignId: uuid, userId: uuid, at: isoTime }),
  [Events.ChatMessageDeleted]: z.object({ messageId: uuid, campaignId: uuid }),
  [Events.AuthUserDisabled]: z.object({ userId: uuid }),
  [Events.AuthPasswordResetRequested]: z.object({ userId: uuid }),
} as const

export type EventType = keyof typeof eventSchemas
export type EventData<T extends EventType> = z.infer<(typeof eventSchemas)[T]>

/** The exchanges, one durable topic exchange per publishing domain. */
export const Exchanges = {
  auth: 'auth.events',
  campaign: 'campaign.events',
  pledge: 'pledge.events',
  payment: 'payment.events',
  chat: 'chat.events',
} as const
export type Domain = keyof typeof Exchanges

/** The exchange an event type is published on: its domain's (`payment.captured` → `payment.events`). */
export function exchangeOf(type: EventType): string {
  return Exchanges[type.slice(0, type.indexOf('.')) as Domain]
}

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(eventSchemas, type)
}
