import { Events, Exchanges } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { type Broker, type ConsumerOptions, startConsumer } from '@careforall/messaging'
import { insertAudit } from '../store/audit'

export const PAYMENT_ACTIONS_QUEUE = 'auth-service.payment-events'

/**
 * The audit log's entries for admin actions taken in the payment service: a capture or a refund
 * an admin asked for arrives as `payment.captured` / `payment.refunded` with `actorId`, and is
 * recorded once (the inbox) in the same transaction. What the platform did by itself (an
 * automatic capture) carries no actor and is not an admin action.
 */
export function consumePaymentActions(options: {
  broker: Broker
  sql: Sql
  logger: Logger
  onSettled?: ConsumerOptions['onSettled']
}) {
  return startConsumer({
    broker: options.broker,
    sql: options.sql,
    logger: options.logger,
    queue: PAYMENT_ACTIONS_QUEUE,
    // Most captures are automatic: they are acked at once, without a transaction.
    accepts: (event) => (event.data as { actorId?: string }).actorId !== undefined,
    ...(options.onSettled ? { onSettled: options.onSettled } : {}),
    bindings: [
      { exchange: Exchanges.payment, routingKeys: [Events.PaymentCaptured, Events.PaymentRefunded] },
    ],
    handlers: {
      [Events.PaymentCaptured]: async (event, { tx }) => {
        const { actorId, paymentId, pledgeId, campaignId, amountCents } = event.data
        if (!actorId) return
        await insertAudit(tx, {
          actorId,
          action: 'payment.captured',
          targetId: paymentId,
          details: { pledgeId, campaignId, amountCents, eventId: event.id },
        })
      },
      [Events.PaymentRefunded]: async (event, { tx }) => {
        const { actorId, paymentId, pledgeId, campaignId, amountCents, refundId } = event.data
        if (!actorId) return
        await insertAudit(tx, {
          actorId,
          action: 'payment.refunded',
          targetId: paymentId,
          details: { pledgeId, campaignId, amountCents, refundId, eventId: event.id },
        })
      },
    },
  })
}
