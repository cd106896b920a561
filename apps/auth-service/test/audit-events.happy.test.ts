import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createEvent, type EventData, Events, Exchanges } from '@careforall/contracts'
import { createLogger } from '@careforall/logger'
import { consumePaymentActions } from '../src/events/payment-events'
import { type AuthWorld, startAuth } from './support/auth-world'

let w: AuthWorld
let consumer: Awaited<ReturnType<typeof consumePaymentActions>>
const settled = new Map<string, string>()

beforeAll(async () => {
  w = await startAuth()
  consumer = await consumePaymentActions({
    broker: w.broker,
    sql: w.sql,
    logger: createLogger({ serviceName: 'auth-service', level: 'silent' }),
    onSettled: ({ messageId, outcome }) => {
      if (messageId) settled.set(messageId, outcome)
    },
  })
}, 30_000)
afterAll(async () => {
  await consumer?.stop()
  await w?.close()
}, 30_000)

type PaymentType = (typeof Events)['PaymentCaptured' | 'PaymentRefunded']

/** Publishes a payment event as the payment service's relay would, twice when asked (a redelivery). */
async function publish(type: PaymentType, data: Record<string, unknown>, copies = 1): Promise<string> {
  const id = Bun.randomUUIDv7()
  const event = createEvent({ id, source: 'payment-service', type, data: data as EventData<typeof type> })
  const channel = await w.broker.connection.createConfirmChannel()
  await channel.assertExchange(Exchanges.payment, 'topic', { durable: true })
  for (let copy = 0; copy < copies; copy++) {
    channel.publish(Exchanges.payment, type, Buffer.from(JSON.stringify(event)), {
      messageId: id,
      persistent: true,
    })
  }
  await channel.waitForConfirms()
  await channel.close()
  return id
}

const consumed = async (eventId: string) => {
  const deadline = Date.now() + 10_000
  while (Date.now() < deadline) {
    const [row] = await w.sql`select 1 from inbox where event_id = ${eventId}`
    if (row) return
    await Bun.sleep(25)
  }
  throw new Error(`event ${eventId} was never consumed`)
}

const auditOf = (paymentId: string) =>
  w.sql<{ actorId: string; action: string; details: Record<string, unknown> }[]>`
    select actor_id, action, details from audit_log where target_id = ${paymentId} order by at`

function paymentData(extra: Record<string, unknown> = {}) {
  return {
    paymentId: crypto.randomUUID(),
    pledgeId: crypto.randomUUID(),
    campaignId: crypto.randomUUID(),
    donorKey: 'g:audit',
    amountCents: 2500,
    providerTransactionId: 'txn_audit',
    ...extra,
  }
}

describe('the audit log of admin payment actions', () => {
  it('records a capture and a refund an admin asked for, once each, even when redelivered', async () => {
    const admin = crypto.randomUUID()
    const data = paymentData({ actorId: admin })
    await consumed(await publish(Events.PaymentCaptured, data, 2))
    const refundId = crypto.randomUUID()
    await consumed(await publish(Events.PaymentRefunded, { ...data, amountCents: 1000, refundId }, 2))
    const entries = await auditOf(data.paymentId)
    expect(entries.map((e) => [e.action, e.actorId])).toEqual([
      ['payment.captured', admin],
      ['payment.refunded', admin],
    ])
    expect(entries[1]!.details).toMatchObject({ amountCents: 1000, refundId, pledgeId: data.pledgeId })
  })

  it('records nothing for what the platform did by itself, without even a transaction', async () => {
    const data = paymentData()
    const id = await publish(Events.PaymentCaptured, data)
    const deadline = Date.now() + 10_000
    while (!settled.has(id) && Date.now() < deadline) await Bun.sleep(25)
    expect(settled.get(id)).toBe('ignored')
    expect((await auditOf(data.paymentId)).length).toBe(0)
    expect((await w.sql`select 1 from inbox where event_id = ${id}`).length).toBe(0)
  })
})
