import { type CloudEvent, centsToNumeric, Events, Exchanges } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { type Broker, type Consumer, type HandlerContext, startConsumer } from '@careforall/messaging'
import { traceHeaders } from '@careforall/otel'
import { insertPayment, type PaymentRow } from '../store/payments'

export const PLEDGE_QUEUE = 'payment-service.pledge-events'

/**
 * Consumes pledge.created: in the inbox transaction the payment is created at its first recovery
 * point (`authorize`, claimed by this process) with the pledge's trace context stored on it. Only
 * once that transaction has committed and the delivery is acked does this process call the
 * provider (`onSettled`), so the call is never inside a transaction and never for a payment that
 * was rolled back; if the process dies first, the resumer finds the payment when its lease ends.
 */
export async function startPledgeConsumer(deps: {
  broker: Broker
  sql: Sql
  logger: Logger
  provider: string
  leaseMs: number
  prefetch?: number
  retryDelaysMs?: number[]
  onCreated: (payment: PaymentRow) => void
}): Promise<Consumer> {
  const created = new Map<string, PaymentRow>()

  const handle = async (event: CloudEvent<typeof Events.PledgeCreated>, { tx }: HandlerContext) => {
    const pledge = event.data
    const payment = await insertPayment(
      tx,
      {
        id: Bun.randomUUIDv7(),
        pledgeId: pledge.pledgeId,
        campaignId: pledge.campaignId,
        campaignOwnerId: pledge.campaignOwnerId,
        donorKey: pledge.donorKey,
        amount: centsToNumeric(pledge.amountCents),
        paymentMethod: pledge.paymentMethod,
        provider: deps.provider,
        traceHeaders: traceHeaders(),
      },
      deps.leaseMs,
      event.id,
    )
    if (!payment) return // a second event for a pledge that already has its payment
    created.set(event.id, payment)
  }

  return startConsumer({
    broker: deps.broker,
    sql: deps.sql,
    logger: deps.logger,
    queue: PLEDGE_QUEUE,
    bindings: [{ exchange: Exchanges.pledge, routingKeys: [Events.PledgeCreated] }],
    handlers: { [Events.PledgeCreated]: handle },
    ...(deps.prefetch ? { prefetch: deps.prefetch } : {}),
    ...(deps.retryDelaysMs ? { retryDelaysMs: deps.retryDelaysMs } : {}),
    onSettled: ({ messageId, outcome }) => {
      const payment = messageId ? created.get(messageId) : undefined
      if (!messageId || !payment) return
      created.delete(messageId)
      if (outcome === 'applied') deps.onCreated(payment)
    },
  })
}
