import { type CloudEvent, createEvent, Events, Exchanges } from '@careforall/contracts'
import { type Broker, declareExchanges } from '@careforall/messaging'

type PaymentEvent = CloudEvent<typeof Events.PaymentCaptured | typeof Events.PaymentRefunded>

export interface PaymentRef {
  paymentId: string
  campaignId: string
  donorKey: string
}

/** A payment of a campaign, by a donor (a fresh one unless given). */
export function payment(campaignId: string, donorKey = `g:${crypto.randomUUID()}`): PaymentRef {
  return { paymentId: crypto.randomUUID(), campaignId, donorKey }
}

function data(ref: PaymentRef, amountCents: number) {
  return {
    paymentId: ref.paymentId,
    pledgeId: crypto.randomUUID(),
    campaignId: ref.campaignId,
    donorKey: ref.donorKey,
    amountCents,
    providerTransactionId: `tx_${ref.paymentId}`,
  }
}

/** `payment.captured` as the payment service would publish it (a CloudEvent, validated). */
export function captured(ref: PaymentRef, amountCents: number, time?: Date): PaymentEvent {
  return createEvent({
    id: Bun.randomUUIDv7(),
    source: 'payment-service',
    type: Events.PaymentCaptured,
    subject: ref.paymentId,
    data: data(ref, amountCents),
    ...(time ? { time } : {}),
  })
}

/** `payment.refunded` for one refund of a payment. */
export function refunded(
  ref: PaymentRef,
  amountCents: number,
  refundId: string = crypto.randomUUID(),
  time?: Date,
): PaymentEvent {
  return createEvent({
    id: Bun.randomUUIDv7(),
    source: 'payment-service',
    type: Events.PaymentRefunded,
    subject: ref.paymentId,
    data: { ...data(ref, amountCents), refundId },
    ...(time ? { time } : {}),
  })
}

/** The same event again under a new id: what a second publication of one change would look like. */
export function republished<E extends PaymentEvent>(event: E): E {
  return { ...event, id: Bun.randomUUIDv7() }
}

/** A publisher on a confirm channel: resolves once the broker has taken every event. */
export async function createPublisher(broker: Broker) {
  const channel = await broker.connection.createConfirmChannel()
  await declareExchanges(channel)
  return {
    publish: async (events: CloudEvent[]) => {
      for (const event of events) {
        channel.publish(Exchanges.payment, event.type, Buffer.from(JSON.stringify(event)), {
          persistent: true,
          messageId: event.id,
          type: event.type,
          contentType: 'application/cloudevents+json; charset=utf-8',
        })
      }
      await channel.waitForConfirms()
    },
    close: () => channel.close().catch(() => undefined),
  }
}
