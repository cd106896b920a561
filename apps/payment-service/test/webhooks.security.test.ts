import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { metricsText, startTelemetry } from '@careforall/otel'
import {
  eventsOf,
  historyOf,
  paymentById,
  postWebhook,
  seedPayment,
  signatureFor,
  waitFor,
  webhookBody,
} from './support/helpers'
import { type PaymentWorld, startPaymentWorld } from './support/payment-world'

// Metrics are only recorded once the SDK runs (in a service it is preloaded).
startTelemetry({ serviceName: 'payment-service-test' })

const CURRENT = 'whsec_rotated_in_0123456789'
const PREVIOUS = 'whsec_dev_sandbox_change_me'
let w: PaymentWorld

beforeAll(async () => {
  // Mid-rotation: the new secret is current, the old one still accepted.
  w = await startPaymentWorld({
    CAPTURE_MODE: 'manual',
    SANDBOX_WEBHOOK_SECRET: CURRENT,
    SANDBOX_WEBHOOK_SECRET_PREVIOUS: PREVIOUS,
  })
}, 60_000)
afterAll(async () => {
  await w?.close()
}, 30_000)

async function snapshot(paymentId: string) {
  const [count] = await w.sql<{ n: number }[]>`select count(*)::int as n from webhooks`
  return {
    webhooks: count!.n,
    payment: (await paymentById(w.sql, paymentId)).status,
    history: (await historyOf(w.sql, paymentId)).length,
    events: (await eventsOf(w.sql, paymentId)).length,
  }
}

const now = () => Math.floor(Date.now() / 1000)
type Case = [string, (body: string) => { body: string; signature: string | null }]
const rejected: Case[] = [
  [
    'a tampered body',
    (body) => ({
      body: body.replace('"amount":5000', '"amount":1'),
      signature: signatureFor(body, { secret: CURRENT }),
    }),
  ],
  [
    'a wrong secret',
    (body) => ({ body, signature: signatureFor(body, { secret: 'whsec_attacker_000000000' }) }),
  ],
  [
    'a stale timestamp (6 minutes old)',
    (body) => ({ body, signature: signatureFor(body, { secret: CURRENT, t: now() - 360 }) }),
  ],
  [
    'a future timestamp (6 minutes ahead)',
    (body) => ({ body, signature: signatureFor(body, { secret: CURRENT, t: now() + 360 }) }),
  ],
  ['a missing header', (body) => ({ body, signature: null })],
  [
    'a malformed header',
    (body) => ({ body, signature: `v1=${signatureFor(body, { secret: CURRENT }).split('v1=')[1]}` }),
  ],
  ['a header that is not hex', (body) => ({ body, signature: `t=${now()},v1=not-hex` })],
]

describe('webhook signatures', () => {
  it.each(rejected)('rejects %s with 400 and changes nothing', async (_, make) => {
    const payment = await seedPayment(w)
    const before = await snapshot(payment.id)
    const { body, signature } = make(
      webhookBody({ type: 'payment.authorized', providerTransactionId: payment.txn, amount: 5000 }),
    )
    const res = await postWebhook(w, body, signature)
    expect(res.status).toBe(400)
    await Bun.sleep(50)
    expect(await snapshot(payment.id)).toEqual(before)
  })

  it.each([
    ['the current secret', CURRENT],
    ['the previous secret, during a rotation', PREVIOUS],
  ])('accepts a webhook signed with %s and applies it', async (_, secret) => {
    const payment = await seedPayment(w)
    const body = webhookBody({ type: 'payment.authorized', providerTransactionId: payment.txn, amount: 5000 })
    const res = await postWebhook(w, body, signatureFor(body, { secret }))
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ received: true, duplicate: false })
    await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.status === 'AUTHORIZED',
    )
  })

  it('accepts a header carrying several v1 values when one of them is ours', async () => {
    const payment = await seedPayment(w)
    const body = webhookBody({ type: 'payment.authorized', providerTransactionId: payment.txn, amount: 5000 })
    const theirs = signatureFor(body, { secret: 'whsec_someone_else_00000' })
    const ours = signatureFor(body, { secret: CURRENT }).split(',')[1]
    expect((await postWebhook(w, body, `${theirs},${ours}`)).status).toBe(200)
  })

  it('counts every rejection in payment_webhook_signature_failures_total, by reason', async () => {
    const text = await metricsText()
    for (const reason of ['mismatch', 'stale', 'future', 'missing', 'malformed']) {
      expect(text).toMatch(
        new RegExp(`payment_webhook_signature_failures_total\\{[^}]*reason="${reason}"[^}]*\\} [1-9]`),
      )
    }
  })

  it('refuses a validly signed body that is not a sandbox event, storing nothing', async () => {
    const [before] = await w.sql<{ n: number }[]>`select count(*)::int as n from webhooks`
    const body = JSON.stringify({ id: 'evt_x', type: 'payment.teleported', created: now(), data: {} })
    expect((await postWebhook(w, body, signatureFor(body, { secret: CURRENT }))).status).toBe(400)
    const [after] = await w.sql<{ n: number }[]>`select count(*)::int as n from webhooks`
    expect(after!.n).toBe(before!.n)
  })

  it('answers 404 for a provider it does not know', async () => {
    const body = webhookBody({ type: 'payment.authorized', providerTransactionId: 'txn_x', amount: 1 })
    const res = await w.service.app.request('/api/payments/webhooks/stripe', {
      method: 'POST',
      headers: { 'x-sandbox-signature': signatureFor(body, { secret: CURRENT }) },
      body,
    })
    expect(res.status).toBe(404)
  })
})
