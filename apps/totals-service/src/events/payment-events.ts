import { type CloudEvent, Events, Exchanges } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { type Broker, type Consumer, startConsumer } from '@careforall/messaging'
import { dayOf, statsShard } from '../domain/days'
import type { TotalsSnapshot } from '../domain/totals'
import { applyLine, type PaymentLine } from '../store/ledger'

/** The durable queue; its name is also the inbox's `consumer` column the read side looks at. */
export const PAYMENT_EVENTS_QUEUE = 'totals-service.payment-events'

/** The only payment events that move totals (authorized and failed ones never do). */
export const TOTALS_BINDINGS = [
  { exchange: Exchanges.payment, routingKeys: [Events.PaymentCaptured, Events.PaymentRefunded] },
]

type PaymentEvent = CloudEvent<typeof Events.PaymentCaptured | typeof Events.PaymentRefunded>

export function lineOf(event: PaymentEvent): PaymentLine & { refundId?: string | undefined } {
  const { data } = event
  return {
    paymentId: data.paymentId,
    campaignId: data.campaignId,
    donorKey: data.donorKey,
    amountCents: data.amountCents,
    at: event.time,
    day: dayOf(event.time),
    shard: statsShard(data.paymentId),
    ...(event.type === Events.PaymentRefunded ? { refundId: data.refundId } : {}),
  }
}

export interface PaymentConsumerOptions {
  broker: Broker
  sql: Sql
  logger: Logger
  /**
   * After the commit and ack of an event this process handled: the campaign's new totals when they
   * changed. Lets this instance show its own changes at once, without waiting for the fan-out.
   */
  onSettled?(eventId: string, changed: TotalsSnapshot | undefined, eventTime: string | undefined): void
  prefetch?: number
  retryDelaysMs?: number[]
}

/** Bounds the snapshots waiting for their ack (a message without a messageId would never claim its own). */
const MAX_WAITING = 10_000

/**
 * Feeds the ledger from `payment.captured` and `payment.refunded`, through the inbox: each event's
 * effect commits once, in the same transaction as its inbox row, whatever the order or number of
 * deliveries.
 */
export function consumePaymentEvents(options: PaymentConsumerOptions): Promise<Consumer> {
  // Results wait here for their ack: a transaction that is retried or rolled back must not be shown.
  const waiting = new Map<string, { changed: TotalsSnapshot | undefined; time: string }>()
  const apply = async (event: PaymentEvent, tx: Parameters<typeof applyLine>[0]) => {
    const changed = await applyLine(tx, lineOf(event))
    if (waiting.size >= MAX_WAITING) waiting.clear()
    waiting.set(event.id, { changed, time: event.time })
  }
  return startConsumer({
    broker: options.broker,
    sql: options.sql,
    logger: options.logger,
    queue: PAYMENT_EVENTS_QUEUE,
    bindings: TOTALS_BINDINGS,
    ...(options.prefetch ? { prefetch: options.prefetch } : {}),
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    handlers: {
      [Events.PaymentCaptured]: (event, { tx }) => apply(event, tx),
      [Events.PaymentRefunded]: (event, { tx }) => apply(event, tx),
    },
    onSettled: ({ messageId, outcome }) => {
      if (messageId === undefined) return
      const result = waiting.get(messageId)
      waiting.delete(messageId)
      if (outcome === 'applied' || outcome === 'duplicate') {
        options.onSettled?.(messageId, result?.changed, result?.time)
      }
    },
  })
}
