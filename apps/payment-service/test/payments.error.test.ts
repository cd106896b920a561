import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TestSession } from '@careforall/devkit/testing'
import { eventsOf, ledgerOf, paymentById, paymentReaches, send, waitFor } from './support/helpers'
import { INTERNAL, type PaymentWorld, startPaymentWorld } from './support/payment-world'

let w: PaymentWorld
let admin: TestSession

beforeAll(async () => {
  w = await startPaymentWorld({}, { auth: true })
  admin = await w.auth!.admin()
}, 60_000)
afterAll(async () => {
  await w?.close()
}, 30_000)

async function captured(amountCents = 10_000) {
  const pledge = await w.pledge({ amountCents })
  return { pledge, payment: await paymentReaches(w, pledge.pledgeId, 'CAPTURED') }
}

const refund = (id: string, key: string, body?: unknown) =>
  w.service.app.request(
    ...send('POST', `/api/payments/${id}/refund`, { ...admin.headers, 'idempotency-key': key }, body),
  )

describe('the internal summary of a refunded payment', () => {
  it('lists each succeeded refund by id, adding up to refundedCents', async () => {
    const { pledge, payment } = await captured(10_000)
    expect((await refund(payment.id, 'summary-1', { amount: 25 })).status).toBe(202)
    await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.refundedAmount === '25.00',
    )
    expect((await refund(payment.id, 'summary-2', { amount: 15.5 })).status).toBe(202)
    await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.refundedAmount === '40.50',
    )
    const res = await w.service.app.request(`/internal/payments/summary?campaignId=${pledge.campaignId}`, {
      headers: INTERNAL,
    })
    const { items } = (await res.json()) as {
      items: {
        paymentId: string
        refundedCents: number
        refunds: { refundId: string; amountCents: number; refundedAt: string }[]
      }[]
    }
    const item = items.find((i) => i.paymentId === payment.id)!
    expect(item.refundedCents).toBe(4050)
    expect(item.refunds.map((r) => r.amountCents)).toEqual([2500, 1550])
    const events = (await eventsOf(w.sql, payment.id)).filter((e) => e.type === 'payment.refunded')
    const eventRefundIds = events.map((e) => e.data.refundId as string)
    expect(new Set(item.refunds.map((r) => r.refundId))).toEqual(new Set(eventRefundIds))
    // Each refund event names the admin who asked, for the audit log; the automatic capture names no one.
    expect(events.map((e) => e.data.actorId)).toEqual([admin.user.id, admin.user.id])
    const capturedEvent = (await eventsOf(w.sql, payment.id)).find((e) => e.type === 'payment.captured')
    expect(capturedEvent?.data.actorId).toBeUndefined()
    expect(item.refunds.every((r) => !Number.isNaN(Date.parse(r.refundedAt)))).toBe(true)
  }, 20_000)
})

describe('refunds that would take more than was captured', () => {
  it('refuses more than remains with 422 naming what may still be refunded, and changes nothing', async () => {
    const { pledge, payment } = await captured(10_000)
    expect((await refund(payment.id, 'over-1', { amount: 30 })).status).toBe(202)
    const res = await refund(payment.id, 'over-2', { amount: 70.01 })
    expect(res.status).toBe(422)
    expect(await res.json()).toMatchObject({ status: 422, refundableAmount: 70 })
    await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.refundedAmount === '30.00',
    )
    const [entry] = await ledgerOf(w, pledge.pledgeId)
    expect(entry!.refundedCents).toBe(3000)
    expect(entry!.operations.filter((op) => op.object === 'refund')).toHaveLength(1)
  }, 15_000)

  it('serializes two concurrent 60 % refunds: one is accepted, the other refused with 422', async () => {
    const { pledge, payment } = await captured(10_000)
    const [a, b] = await Promise.all([
      refund(payment.id, 'sixty-a', { amount: 60 }),
      refund(payment.id, 'sixty-b', { amount: 60 }),
    ])
    expect([a.status, b.status].sort()).toEqual([202, 422])
    await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.refundedAmount === '60.00',
    )
    await Bun.sleep(200)
    expect((await paymentById(w.sql, payment.id)).status).toBe('CAPTURED')
    const [entry] = await ledgerOf(w, pledge.pledgeId)
    expect(entry!.refundedCents).toBe(6000)
    expect((await eventsOf(w.sql, payment.id)).filter((e) => e.type === 'payment.refunded')).toHaveLength(1)
  }, 15_000)

  it('answers 409 once nothing is left, pending refunds included', async () => {
    const { payment } = await captured(5000)
    expect((await refund(payment.id, 'all-1')).status).toBe(202)
    const again = await refund(payment.id, 'all-2')
    expect(again.status).toBe(409)
    await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.status === 'REFUNDED',
    )
    expect((await refund(payment.id, 'all-3', { amount: 1 })).status).toBe(409)
  }, 15_000)

  it('replays a refused refund under its key instead of re-checking it', async () => {
    const { payment } = await captured(1000)
    const first = await refund(payment.id, 'refused-once', { amount: 11 })
    expect(first.status).toBe(422)
    const again = await refund(payment.id, 'refused-once', { amount: 11 })
    expect(again.status).toBe(422)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
  }, 15_000)

  it('refuses the same key with another amount with 422 and refunds nothing more', async () => {
    const { payment } = await captured(1000)
    expect((await refund(payment.id, 'same-key', { amount: 1 })).status).toBe(202)
    expect((await refund(payment.id, 'same-key', { amount: 2 })).status).toBe(422)
    await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.refundedAmount === '1.00',
    )
  }, 15_000)
})

describe('refunds and captures the payment is not ready for', () => {
  it('refuses to refund a payment that was never captured (409)', async () => {
    const pledge = await w.pledge({ paymentMethod: 'pm_decline' })
    const payment = await paymentReaches(w, pledge.pledgeId, 'FAILED')
    const res = await refund(payment.id, 'failed-1')
    expect(res.status).toBe(409)
    expect(await res.json()).toMatchObject({ paymentStatus: 'FAILED' })
  }, 15_000)

  it('refuses a manual capture of a payment captured automatically (409), with nothing sent to the provider', async () => {
    const { pledge, payment } = await captured()
    const res = await w.service.app.request(
      ...send('POST', `/api/payments/${payment.id}/capture`, {
        ...admin.headers,
        'idempotency-key': 'cap-auto',
      }),
    )
    expect(res.status).toBe(409)
    const [entry] = await ledgerOf(w, pledge.pledgeId)
    expect(entry!.operations.filter((op) => op.object === 'capture')).toHaveLength(1)
  }, 15_000)

  it('answers 404 for a payment that does not exist', async () => {
    const id = Bun.randomUUIDv7()
    expect((await refund(id, 'ghost')).status).toBe(404)
    expect((await w.service.app.request(...send('GET', `/api/payments/${id}`, admin.headers))).status).toBe(
      404,
    )
  })
})

describe('malformed requests', () => {
  it.each([
    ['a missing Idempotency-Key', undefined, { amount: 1 }],
    ['a key with spaces', 'has space', { amount: 1 }],
    ['a negative amount', 'neg', { amount: -1 }],
    ['three decimals', 'dec', { amount: 1.001 }],
    ['an unknown field', 'field', { amount: 1, extra: true }],
  ])(
    'refuses %s with 400',
    async (_, key, body) => {
      const { payment } = await captured(1000)
      const res = await w.service.app.request(
        ...send(
          'POST',
          `/api/payments/${payment.id}/refund`,
          { ...admin.headers, ...(key ? { 'idempotency-key': key } : {}) },
          body,
        ),
      )
      expect(res.status).toBe(400)
      expect((await paymentById(w.sql, payment.id)).refundedAmount).toBe('0.00')
    },
    15_000,
  )

  it('refuses a payment id that is not a UUID with 400', async () => {
    expect(
      (await w.service.app.request(...send('GET', '/api/payments/not-a-uuid', admin.headers))).status,
    ).toBe(400)
  })
})
