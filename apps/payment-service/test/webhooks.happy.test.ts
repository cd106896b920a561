import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TestSession } from '@careforall/devkit/testing'
import {
  eventsOf,
  historyOf,
  ledgerOf,
  paymentById,
  paymentReaches,
  postWebhook,
  seedPayment,
  send,
  waitFor,
  webhookBody,
  webhooksSettled,
} from './support/helpers'
import { type PaymentWorld, startPaymentWorld } from './support/payment-world'

// Manual capture mode: an authorization waits for an admin, so crafted webhooks alone drive the
// seeded payments (and the sandbox is never asked to capture a transaction it never saw).
let w: PaymentWorld
let admin: TestSession

beforeAll(async () => {
  w = await startPaymentWorld({ CAPTURE_MODE: 'manual' }, { auth: true })
  admin = await w.auth!.admin()
}, 60_000)
afterAll(async () => {
  await w?.close()
}, 30_000)

const hook = (txn: string, type: Parameters<typeof webhookBody>[0]['type'], id?: string) =>
  webhookBody({ id, type, providerTransactionId: txn, amount: 5000 })

describe('duplicated webhooks', () => {
  it('applies the same webhook id once, however many copies arrive, even at once', async () => {
    const payment = await seedPayment(w)
    const body = hook(payment.txn, 'payment.authorized', `evt_dup_${payment.id}`)
    const answers = await Promise.all(Array.from({ length: 10 }, () => postWebhook(w, body)))
    expect(answers.every((res) => res.status === 200)).toBe(true)
    await webhooksSettled(w.sql)
    expect((await paymentById(w.sql, payment.id)).status).toBe('AUTHORIZED')
    expect((await eventsOf(w.sql, payment.id)).map((e) => e.type)).toEqual(['payment.authorized'])
    const [row] = await w.sql<{ deliveries: number; outcome: string }[]>`
      select deliveries, outcome from webhooks where id = ${`evt_dup_${payment.id}`}`
    expect(row).toEqual({ deliveries: 10, outcome: 'applied' })
  })

  it('treats a second webhook id for the same change as a no-op', async () => {
    const payment = await seedPayment(w)
    await postWebhook(w, hook(payment.txn, 'payment.authorized', `evt_a_${payment.id}`))
    await webhooksSettled(w.sql)
    await postWebhook(w, hook(payment.txn, 'payment.authorized', `evt_b_${payment.id}`))
    await webhooksSettled(w.sql)
    expect((await eventsOf(w.sql, payment.id)).map((e) => e.type)).toEqual(['payment.authorized'])
    const outcomes = await w.sql<{ id: string; outcome: string }[]>`
      select id, outcome from webhooks where payment_id = ${payment.id} order by first_received_at`
    expect(outcomes.map((o) => o.outcome)).toEqual(['applied', 'no-op'])
  })
})

describe('webhooks out of order', () => {
  it('takes captured-before-authorized as both, with the whole history, and ignores the late authorized', async () => {
    const payment = await seedPayment(w)
    const capturedId = `evt_cap_${payment.id}`
    await postWebhook(w, hook(payment.txn, 'payment.captured', capturedId))
    await webhooksSettled(w.sql)
    await postWebhook(w, hook(payment.txn, 'payment.authorized', `evt_late_${payment.id}`))
    await webhooksSettled(w.sql)
    const row = await paymentById(w.sql, payment.id)
    expect(row).toMatchObject({ status: 'CAPTURED', capturedAmount: '50.00', recoveryPoint: 'finished' })
    expect((await historyOf(w.sql, payment.id)).map((h) => [h.fromStatus, h.toStatus, h.causeId])).toEqual([
      [null, 'PENDING', `seed:${payment.id}`],
      ['PENDING', 'AUTHORIZED', capturedId],
      ['AUTHORIZED', 'CAPTURED', capturedId],
    ])
    expect((await eventsOf(w.sql, payment.id)).map((e) => [e.type, e.data.amountCents])).toEqual([
      ['payment.authorized', 5000],
      ['payment.captured', 5000],
    ])
  })

  it('never moves a captured payment back, whatever arrives after', async () => {
    const payment = await seedPayment(w)
    await postWebhook(w, hook(payment.txn, 'payment.captured'))
    await webhooksSettled(w.sql)
    for (const type of ['payment.authorized', 'payment.authorized'] as const)
      await postWebhook(w, hook(payment.txn, type))
    await postWebhook(
      w,
      webhookBody({
        type: 'payment.failed',
        providerTransactionId: payment.txn,
        amount: 5000,
        reason: 'card_declined',
      }),
    )
    await webhooksSettled(w.sql)
    expect((await paymentById(w.sql, payment.id)).status).toBe('CAPTURED')
    expect(await eventsOf(w.sql, payment.id)).toHaveLength(2)
  })

  it('keeps a webhook that came before we knew its transaction, and applies it once we do', async () => {
    const txn = `txn_early_${Bun.randomUUIDv7().replaceAll('-', '')}`
    const early = hook(txn, 'payment.authorized', `evt_early_${txn}`)
    expect((await postWebhook(w, early)).status).toBe(200)
    await Bun.sleep(150)
    const [stored] = await w.sql<{ appliedAt: Date | null; attempts: number }[]>`
      select applied_at, attempts from webhooks where id = ${`evt_early_${txn}`}`
    expect(stored!.appliedAt).toBeNull()
    expect(stored!.attempts).toBeGreaterThan(0)
    const payment = await seedPayment(w)
    await w.sql`update payments set provider_transaction_id = ${txn} where id = ${payment.id}`
    await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.status === 'AUTHORIZED',
    )
  })

  it('lists the webhooks received for a payment to an admin, copies counted', async () => {
    const payment = await seedPayment(w)
    const body = hook(payment.txn, 'payment.authorized')
    await postWebhook(w, body)
    await postWebhook(w, body)
    await webhooksSettled(w.sql)
    const res = await w.service.app.request(
      ...send('GET', `/api/payments/${payment.id}/webhooks`, admin.headers),
    )
    expect(res.status).toBe(200)
    const { items } = (await res.json()) as { items: { type: string; deliveries: number; outcome: string }[] }
    expect(items.map((i) => [i.type, i.deliveries, i.outcome])).toEqual([
      ['payment.authorized', 2, 'applied'],
    ])
  })
})

describe('manual capture', () => {
  const capture = (id: string, key: string) =>
    w.service.app.request(
      ...send('POST', `/api/payments/${id}/capture`, { ...admin.headers, 'idempotency-key': key }),
    )

  it('waits for an admin, captures once, and replays the same key safely', async () => {
    const pledge = await w.pledge({ amountCents: 4200 })
    const authorized = await waitFor(
      () => paymentReaches(w, pledge.pledgeId, 'AUTHORIZED'),
      (row) => row.recoveryPoint === 'awaiting_capture',
    )
    const first = await capture(authorized.id, `cap-${authorized.id}`)
    expect(first.status).toBe(202)
    const firstText = await first.text()
    const replay = await capture(authorized.id, `cap-${authorized.id}`)
    expect(replay.status).toBe(202)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(await replay.text()).toBe(firstText)
    const captured = await paymentReaches(w, pledge.pledgeId, 'CAPTURED')
    expect(captured.capturedAmount).toBe('42.00')
    // A second capture under another key: the payment says why not, and the provider hears nothing.
    expect((await capture(authorized.id, `cap2-${authorized.id}`)).status).toBe(409)
    const [entry] = await ledgerOf(w, pledge.pledgeId)
    expect(entry!.operations.filter((op) => op.object === 'capture')).toHaveLength(1)
    expect((await eventsOf(w.sql, captured.id)).map((e) => e.type)).toEqual([
      'payment.authorized',
      'payment.captured',
    ])
  }, 15_000)

  it('is for admins only', async () => {
    const donor = await w.auth!.donor()
    const res = await w.service.app.request(
      ...send('POST', `/api/payments/${Bun.randomUUIDv7()}/capture`, {
        ...donor.headers,
        'idempotency-key': 'k',
      }),
    )
    expect(res.status).toBe(403)
  })
})

describe('the authorization-expiry sweeper', () => {
  it('voids a hold not captured within the hold period and fails the payment with authorization_expired', async () => {
    const pledge = await w.pledge({ amountCents: 3000 })
    const payment = await waitFor(
      () => paymentReaches(w, pledge.pledgeId, 'AUTHORIZED'),
      (row) => row.recoveryPoint === 'awaiting_capture',
    )
    await w.admin`update payments set authorized_at = now() - interval '7 days 1 minute' where id = ${payment.id}`
    const fresh = await w.pledge({ amountCents: 3100 })
    await paymentReaches(w, fresh.pledgeId, 'AUTHORIZED')
    await w.workers.sweepExpired()
    const failed = await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.status === 'FAILED',
    )
    expect(failed).toMatchObject({ failureReason: 'authorization_expired', recoveryPoint: 'finished' })
    expect((await eventsOf(w.sql, payment.id)).map((e) => [e.type, e.data.reason])).toEqual([
      ['payment.authorized', undefined],
      ['payment.failed', 'authorization_expired'],
    ])
    const [entry] = await ledgerOf(w, pledge.pledgeId)
    expect(entry!.status).toBe('voided')
    expect(entry!.operations.map((op) => op.object)).toEqual(['authorization', 'void'])
    // The hold within its period is left alone.
    expect((await paymentReaches(w, fresh.pledgeId, 'AUTHORIZED')).recoveryPoint).toBe('awaiting_capture')
    const late = await w.service.app.request(
      ...send('POST', `/api/payments/${payment.id}/capture`, {
        ...admin.headers,
        'idempotency-key': `late-${payment.id}`,
      }),
    )
    expect(late.status).toBe(409)
  }, 15_000)
})
