import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startTelemetry } from '@careforall/otel'
import {
  eventsOf,
  historyOf,
  ledgerOf,
  paymentById,
  paymentReaches,
  postWebhook,
  seedPayment,
  send,
  setChaos,
  waitFor,
  webhookBody,
  webhooksSettled,
} from './support/helpers'
import { INTERNAL, type PaymentWorld, startPaymentWorld } from './support/payment-world'

// Trace context only propagates with an SDK running (services preload it).
startTelemetry({ serviceName: 'payment-service-test' })

let w: PaymentWorld

beforeAll(async () => {
  w = await startPaymentWorld({}, { auth: true })
}, 60_000)
afterAll(async () => {
  await w?.close()
}, 30_000)

describe('a pledge paid with pm_ok', () => {
  it('is authorized, then captured automatically, with exactly one event per transition', async () => {
    const pledge = await w.pledge({ amountCents: 2550 })
    const payment = await paymentReaches(w, pledge.pledgeId, 'CAPTURED')
    expect(payment).toMatchObject({
      status: 'CAPTURED',
      amount: '25.50',
      capturedAmount: '25.50',
      refundedAmount: '0.00',
      recoveryPoint: 'finished',
      idempotencyKey: `authorize:${payment.id}`,
      campaignOwnerId: pledge.campaignOwnerId,
    })
    const common = {
      paymentId: payment.id,
      pledgeId: pledge.pledgeId,
      campaignId: pledge.campaignId,
      donorKey: pledge.donorKey,
      amountCents: 2550,
      providerTransactionId: payment.providerTransactionId,
    }
    expect(await eventsOf(w.sql, payment.id)).toEqual([
      { type: 'payment.authorized', data: common },
      { type: 'payment.captured', data: common },
    ])
    const history = await historyOf(w.sql, payment.id)
    expect(history.map((h) => [h.fromStatus, h.toStatus, h.eventType, h.causeKind])).toEqual([
      [null, 'PENDING', null, 'event'],
      ['PENDING', 'AUTHORIZED', 'payment.authorized', 'webhook'],
      ['AUTHORIZED', 'CAPTURED', 'payment.captured', 'webhook'],
    ])
    expect(history[0]!.causeId).toBe(pledge.eventId)

    const [entry, ...others] = await ledgerOf(w, pledge.pledgeId)
    expect(others).toEqual([])
    expect(entry).toMatchObject({
      providerTransactionId: payment.providerTransactionId,
      status: 'succeeded',
      authorizedCents: 2550,
      capturedCents: 2550,
      refundedCents: 0,
    })
    expect(entry!.operations.map((op) => [op.object, op.idempotencyKey, op.amount, op.status])).toEqual([
      ['authorization', `authorize:${payment.id}`, 2550, 'succeeded'],
      ['capture', `capture:${payment.id}`, 2550, 'succeeded'],
    ])
  }, 15_000)

  it('ignores a second pledge.created for the same pledge', async () => {
    const pledge = await w.pledge()
    const payment = await paymentReaches(w, pledge.pledgeId, 'CAPTURED')
    await w.pledge({ ...pledge })
    await Bun.sleep(300)
    const rows = await w.sql`select id from payments where pledge_id = ${pledge.pledgeId}`
    expect(rows.map((r) => r.id)).toEqual([payment.id])
    expect(await ledgerOf(w, pledge.pledgeId)).toHaveLength(1)
  }, 15_000)
})

describe('tracing', () => {
  it("continues the pledge's trace through the provider calls and webhooks into every payment event", async () => {
    const traceId = Bun.randomUUIDv7().replaceAll('-', '')
    const pledge = await w.pledge({}, { traceparent: `00-${traceId}-00f067aa0ba902b7-01` })
    const payment = await paymentReaches(w, pledge.pledgeId, 'CAPTURED')
    expect(payment.traceHeaders.traceparent).toContain(traceId)
    const rows = await w.sql<{ type: string; metadata: { traceparent?: string } }[]>`
      select type, metadata from outbox where aggregate_id = ${payment.id} order by created_at`
    expect(rows.map((row) => row.type)).toEqual(['payment.authorized', 'payment.captured'])
    for (const row of rows) expect(row.metadata.traceparent).toContain(traceId)
  }, 15_000)
})

describe('a pledge paid with pm_decline', () => {
  it('fails with card_declined, emits one payment.failed and is never captured', async () => {
    const pledge = await w.pledge({ paymentMethod: 'pm_decline', amountCents: 1000 })
    const payment = await paymentReaches(w, pledge.pledgeId, 'FAILED')
    expect(payment).toMatchObject({
      failureReason: 'card_declined',
      recoveryPoint: 'finished',
      capturedAmount: '0.00',
    })
    expect(await eventsOf(w.sql, payment.id)).toEqual([
      {
        type: 'payment.failed',
        data: expect.objectContaining({ paymentId: payment.id, amountCents: 1000, reason: 'card_declined' }),
      },
    ])
    const [entry] = await ledgerOf(w, pledge.pledgeId)
    expect(entry).toMatchObject({ status: 'failed', authorizedCents: 0, capturedCents: 0 })
    expect(entry!.operations).toHaveLength(1)
  }, 15_000)
})

describe('a pledge paid with pm_capture_fail', () => {
  it('is authorized, then fails with capture_failed: one authorized and one failed event', async () => {
    const pledge = await w.pledge({ paymentMethod: 'pm_capture_fail', amountCents: 1500 })
    const payment = await paymentReaches(w, pledge.pledgeId, 'FAILED')
    expect(payment).toMatchObject({ failureReason: 'capture_failed', capturedAmount: '0.00' })
    expect((await eventsOf(w.sql, payment.id)).map((e) => [e.type, e.data.reason])).toEqual([
      ['payment.authorized', undefined],
      ['payment.failed', 'capture_failed'],
    ])
    const [entry] = await ledgerOf(w, pledge.pledgeId)
    expect(entry).toMatchObject({ status: 'succeeded', authorizedCents: 1500, capturedCents: 0 })
    expect(entry!.operations.map((op) => [op.object, op.status])).toEqual([
      ['authorization', 'succeeded'],
      ['capture', 'failed'],
    ])
  }, 15_000)
})

describe('refunds', () => {
  it('refunds part, then all that remains, by the campaign owner: one payment.refunded per refund', async () => {
    const owner = await w.auth!.donor('owner')
    const pledge = await w.pledge({ amountCents: 10_000, campaignOwnerId: owner.user.id })
    const payment = await paymentReaches(w, pledge.pledgeId, 'CAPTURED')
    const refund = (key: string, body?: unknown) =>
      w.service.app.request(
        ...send(
          'POST',
          `/api/payments/${payment.id}/refund`,
          { ...owner.headers, 'idempotency-key': key },
          body,
        ),
      )

    const partial = await refund(`r1-${payment.id}`, { amount: 40 })
    expect(partial.status).toBe(202)
    const first = (await partial.json()) as { id: string; status: string; amount: number }
    expect(first).toMatchObject({ status: 'PENDING', amount: 40 })
    await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.refundedAmount === '40.00',
    )
    // The same key again: the stored answer, byte for byte, and no second refund anywhere.
    const replay = await refund(`r1-${payment.id}`, { amount: 40 })
    expect(replay.status).toBe(202)
    expect(replay.headers.get('idempotent-replayed')).toBe('true')
    expect(((await replay.json()) as { id: string }).id).toBe(first.id)

    const rest = await refund(`r2-${payment.id}`)
    expect(rest.status).toBe(202)
    expect(await rest.json()).toMatchObject({ amount: 60, status: 'PENDING' })
    const done = await waitFor(
      () => paymentById(w.sql, payment.id),
      (row) => row.status === 'REFUNDED',
    )
    expect(done).toMatchObject({ capturedAmount: '100.00', refundedAmount: '100.00' })
    const refunds = (await eventsOf(w.sql, payment.id)).filter((e) => e.type === 'payment.refunded')
    expect(refunds.map((e) => e.data.amountCents)).toEqual([4000, 6000])
    expect(new Set(refunds.map((e) => e.data.refundId)).size).toBe(2)
    const [entry] = await ledgerOf(w, pledge.pledgeId)
    expect(entry).toMatchObject({ capturedCents: 10_000, refundedCents: 10_000 })
    expect(entry!.operations.filter((op) => op.object === 'refund')).toHaveLength(2)

    const detail = await w.service.app.request(...send('GET', `/api/payments/${payment.id}`, owner.headers))
    expect(detail.status).toBe(200)
    const body = (await detail.json()) as {
      status: string
      refunds: { status: string }[]
      history: { to: string }[]
    }
    expect(body.status).toBe('REFUNDED')
    expect(body.refunds.map((r) => r.status)).toEqual(['SUCCEEDED', 'SUCCEEDED'])
    expect(body.history.map((h) => h.to)).toEqual([
      'PENDING',
      'AUTHORIZED',
      'CAPTURED',
      'CAPTURED',
      'REFUNDED',
    ])
  }, 20_000)
})

describe('reads', () => {
  it('lists payments for an admin by pledge and by status, newest first, paged', async () => {
    const admin = await w.auth!.admin()
    const pledge = await w.pledge({ paymentMethod: 'pm_decline' })
    await paymentReaches(w, pledge.pledgeId, 'FAILED')
    const byPledge = await w.service.app.request(
      ...send('GET', `/api/payments?pledgeId=${pledge.pledgeId}`, admin.headers),
    )
    expect(byPledge.status).toBe(200)
    const page = (await byPledge.json()) as {
      items: { pledgeId: string; status: string }[]
      nextCursor: string | null
    }
    expect(page.items.map((p) => [p.pledgeId, p.status])).toEqual([[pledge.pledgeId, 'FAILED']])
    expect(page.nextCursor).toBeNull()
    const first = (await (
      await w.service.app.request(...send('GET', '/api/payments?status=CAPTURED&limit=1', admin.headers))
    ).json()) as { items: { id: string; status: string }[]; nextCursor: string }
    expect(first.items).toHaveLength(1)
    const second = (await (
      await w.service.app.request(
        ...send('GET', `/api/payments?status=CAPTURED&limit=1&cursor=${first.nextCursor}`, admin.headers),
      )
    ).json()) as { items: { id: string; status: string }[] }
    expect(second.items[0]!.id).not.toBe(first.items[0]!.id)
    expect([...first.items, ...second.items].every((p) => p.status === 'CAPTURED')).toBe(true)
  }, 15_000)

  it('parks a payment the provider refused outright at needs_attention, where an operator lists it', async () => {
    const admin = await w.auth!.admin()
    // Authorized, as far as we know, under a transaction the provider has never heard of: the
    // capture that follows is refused with a 404, which no retry can change.
    const seeded = await seedPayment(w)
    const body = webhookBody({ type: 'payment.authorized', providerTransactionId: seeded.txn, amount: 5000 })
    expect((await postWebhook(w, body)).status).toBe(200)
    await waitFor(
      () => paymentById(w.sql, seeded.id),
      (row) => row.recoveryPoint === 'needs_attention',
    )
    const res = await w.service.app.request(
      ...send('GET', '/api/payments?recoveryPoint=needs_attention', admin.headers),
    )
    expect(res.status).toBe(200)
    const { items } = (await res.json()) as {
      items: { pledgeId: string; status: string; recoveryPoint: string; lastError: string | null }[]
    }
    const parked = items.find((p) => p.pledgeId === seeded.pledgeId)
    expect(parked).toMatchObject({ status: 'AUTHORIZED', recoveryPoint: 'needs_attention' })
    expect(parked!.lastError).toContain('404')
    expect(items.every((p) => p.recoveryPoint === 'needs_attention')).toBe(true)
    const wrong = await w.service.app.request(
      ...send('GET', '/api/payments?recoveryPoint=stuck', admin.headers),
    )
    expect(wrong.status).toBe(400)
  }, 15_000)

  it('pages the internal summary of captured payments per campaign, in cents', async () => {
    const campaignId = Bun.randomUUIDv7()
    const pledges = await Promise.all(
      [1000, 2000, 3000].map((amountCents) => w.pledge({ campaignId, amountCents })),
    )
    await Promise.all(pledges.map((p) => paymentReaches(w, p.pledgeId, 'CAPTURED')))
    const declined = await w.pledge({ campaignId, paymentMethod: 'pm_decline' })
    await paymentReaches(w, declined.pledgeId, 'FAILED')
    const items: {
      paymentId: string
      campaignId: string
      donorKey: string
      capturedCents: number
      refundedCents: number
      capturedAt: string | null
      refunds: unknown[]
    }[] = []
    let cursor: string | null = null
    let pages = 0
    do {
      const res = await w.service.app.request(
        `/internal/payments/summary?campaignId=${campaignId}&limit=2${cursor ? `&cursor=${cursor}` : ''}`,
        { headers: INTERNAL },
      )
      expect(res.status).toBe(200)
      const page = (await res.json()) as { items: typeof items; nextCursor: string | null }
      items.push(...page.items)
      cursor = page.nextCursor
      pages++
    } while (cursor)
    expect(pages).toBe(2)
    expect(items.map((i) => i.capturedCents).sort()).toEqual([1000, 2000, 3000])
    expect(items.every((i) => i.campaignId === campaignId && i.refundedCents === 0)).toBe(true)
    expect(Object.keys(items[0]!).sort()).toEqual([
      'campaignId',
      'capturedAt',
      'capturedCents',
      'donorKey',
      'paymentId',
      'refundedCents',
      'refunds',
    ])
    expect(items.every((i) => i.refunds.length === 0)).toBe(true)
    expect(items.every((i) => Math.abs(Date.parse(i.capturedAt!) - Date.now()) < 60_000)).toBe(true)
    expect(new Set(items.map((i) => i.donorKey))).toEqual(new Set(pledges.map((p) => p.donorKey)))
  }, 15_000)
})

describe('under sandbox chaos', () => {
  it('charges each of many pledges once and emits each event once, with webhooks tripled, late and shuffled', async () => {
    expect((await setChaos(w, 'dup=3,delayMs=0..300,reorder=1,seed=42')).status).toBe(200)
    try {
      const pledges = await Promise.all(Array.from({ length: 20 }, () => w.pledge({ amountCents: 700 })))
      for (const p of pledges) await paymentReaches(w, p.pledgeId, 'CAPTURED', 15_000)
      await waitFor(
        async () =>
          (await fetch(`${w.url}/sandbox/v1/ledger/summary`, { headers: INTERNAL }).then((r) =>
            r.json(),
          )) as { deliveries: { pending: number } },
        (s) => s.deliveries.pending === 0,
      )
      await webhooksSettled(w.sql)
      for (const p of pledges) {
        const entries = await ledgerOf(w, p.pledgeId)
        expect(entries).toHaveLength(1)
        expect(entries[0]).toMatchObject({ authorizedCents: 700, capturedCents: 700 })
        const payment = (await paymentReaches(w, p.pledgeId, 'CAPTURED'))!
        expect((await eventsOf(w.sql, payment.id)).map((e) => e.type)).toEqual([
          'payment.authorized',
          'payment.captured',
        ])
      }
      const copies = await w.sql<{ deliveries: number }[]>`
        select w.deliveries from webhooks w join payments p on p.id = w.payment_id
        where p.pledge_id in ${w.sql(pledges.map((p) => p.pledgeId))}`
      expect(copies.length).toBe(40)
      expect(copies.every((c) => c.deliveries === 3)).toBe(true)
    } finally {
      await setChaos(w, '')
    }
  }, 30_000)
})
