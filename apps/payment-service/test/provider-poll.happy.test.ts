import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { eventsOf, historyOf, paymentReaches } from './support/helpers'
import { type PaymentWorld, startPaymentWorld } from './support/payment-world'

let w: PaymentWorld

// The provider's webhooks never arrive (nothing listens where it sends them): only asking it again
// can tell the payment service what happened.
beforeAll(async () => {
  w = await startPaymentWorld({
    SANDBOX_WEBHOOK_URL: 'http://127.0.0.1:9/api/payments/webhooks/sandbox',
    PROVIDER_POLL_AFTER_MS: 300,
  })
}, 60_000)
afterAll(async () => {
  await w?.close()
}, 30_000)

describe('a provider whose webhooks never arrive', () => {
  it('is asked again after the silence, and its decided answers complete the payment once', async () => {
    const pledge = await w.pledge({ amountCents: 4200 })
    const payment = await paymentReaches(w, pledge.pledgeId, 'CAPTURED', 20_000)
    expect(payment.capturedAmount).toBe('42.00')
    const history = await historyOf(w.sql, payment.id)
    expect(history.map((h) => [h.toStatus, h.causeKind])).toEqual([
      ['PENDING', 'event'],
      ['AUTHORIZED', 'provider'],
      ['CAPTURED', 'provider'],
    ])
    expect((await eventsOf(w.sql, payment.id)).map((e) => e.type)).toEqual([
      'payment.authorized',
      'payment.captured',
    ])
    const [stored] = await w.sql<{ n: number }[]>`select count(*)::int as n from webhooks`
    expect(stored!.n).toBe(0)
  }, 30_000)

  it('records a decline the same way', async () => {
    const pledge = await w.pledge({ paymentMethod: 'pm_decline' })
    const payment = await paymentReaches(w, pledge.pledgeId, 'FAILED', 20_000)
    expect(payment.failureReason).toBe('card_declined')
    const events = await eventsOf(w.sql, payment.id)
    expect(events.map((e) => [e.type, e.data.reason])).toEqual([['payment.failed', 'card_declined']])
  }, 30_000)
})
