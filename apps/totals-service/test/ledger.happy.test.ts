import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { CloudEvent } from '@careforall/contracts'
import { figuresOf, type LedgerLine } from '../src/domain/ledger'
import { captured, type PaymentRef, payment, refunded, republished } from './support/events'
import {
  applied,
  createTotalsWorld,
  type Instance,
  storedTotals,
  type TotalsWorld,
} from './support/totals-world'

let world: TotalsWorld
let totals: Instance

beforeAll(async () => {
  world = await createTotalsWorld()
  totals = await world.start()
}, 30_000)
afterAll(async () => {
  await world?.close()
}, 30_000)

/** A seeded shuffle, so a failure can be replayed. */
function shuffle<T>(items: T[], seed: number): T[] {
  const copy = [...items]
  let state = seed
  for (let index = copy.length - 1; index > 0; index--) {
    state = (state * 1103515245 + 12345) % 2 ** 31
    const other = state % (index + 1)
    ;[copy[index], copy[other]] = [copy[other]!, copy[index]!]
  }
  return copy
}

async function read(campaignId: string) {
  const res = await totals.app.request(`/api/totals/${campaignId}`)
  expect(res.status).toBe(200)
  return (await res.json()) as {
    totalAmount: number
    totalPledges: number
    totalDonors: number
    lastUpdated: string | null
  }
}

describe('the ledger', () => {
  it('leaves exact totals whatever the duplication and order, and a refund before its capture waits', async () => {
    const campaignId = crypto.randomUUID()
    const [p1, p2, p3, p4, p5] = [
      payment(campaignId, 'u:alice'),
      payment(campaignId, 'u:alice'),
      payment(campaignId, 'g:bob'),
      payment(campaignId, 'g:carol'),
      payment(campaignId, 'u:dave'),
    ] as [PaymentRef, PaymentRef, PaymentRef, PaymentRef, PaymentRef]

    // A partial refund of p5 arrives before p5's capture: nothing may change yet.
    const early = refunded(p5, 200)
    await world.publish([early, early])
    await applied(world.sql, [early.id])
    expect(await read(campaignId)).toMatchObject({
      totalAmount: 0,
      totalPledges: 0,
      totalDonors: 0,
      lastUpdated: null,
    })
    expect((await storedTotals(world.sql, campaignId))?.version).toBe('0')

    const fullRefund = refunded(p4, 400)
    const events: CloudEvent[] = [
      captured(p1, 1000),
      captured(p2, 2500),
      captured(p3, 700),
      captured(p4, 400),
      captured(p5, 1200),
      fullRefund,
    ]
    // Every event twice (a redelivery), plus the same changes under new event ids: a second
    // capture of p1 and the same refund of p4 published again. None may count twice.
    const again = [
      republished(events[0] as CloudEvent<'payment.captured'>),
      republished(fullRefund),
      republished(early),
    ]
    await world.publish(shuffle([...events, ...events, ...again], 7))
    await applied(
      world.sql,
      [...events, ...again].map((event) => event.id),
    )

    const lines: LedgerLine[] = [
      { donorKey: 'u:alice', capturedCents: 1000, refundedCents: 0 },
      { donorKey: 'u:alice', capturedCents: 2500, refundedCents: 0 },
      { donorKey: 'g:bob', capturedCents: 700, refundedCents: 0 },
      { donorKey: 'g:carol', capturedCents: 400, refundedCents: 400 },
      { donorKey: 'u:dave', capturedCents: 1200, refundedCents: 200 },
    ]
    expect(figuresOf(lines)).toEqual({ totalCents: 5200, totalPledges: 4, totalDonors: 3 })
    expect(await storedTotals(world.sql, campaignId)).toMatchObject({
      totalAmount: '52.00',
      totalPledges: 4,
      totalDonors: 3,
    })
    const body = await read(campaignId)
    expect(body).toMatchObject({ totalAmount: 52, totalPledges: 4, totalDonors: 3 })
    expect(Date.parse(body.lastUpdated ?? '')).toBeGreaterThan(Date.now() - 60_000)

    const ledger = await world.sql<{ paymentId: string; capturedCents: string; refundedCents: string }[]>`
      select payment_id, captured_cents, refunded_cents from payment_ledger where campaign_id = ${campaignId}`
    expect(new Map(ledger.map((row) => [row.paymentId, [row.capturedCents, row.refundedCents]]))).toEqual(
      new Map([
        [p1.paymentId, ['1000', '0']],
        [p2.paymentId, ['2500', '0']],
        [p3.paymentId, ['700', '0']],
        [p4.paymentId, ['400', '400']],
        [p5.paymentId, ['1200', '200']],
      ]),
    )
    const [stats] = await world.sql<
      { captured: string; pledges: number; refundedCents: string; refunds: number }[]
    >`
      select sum(captured_cents)::bigint as captured, sum(pledges_captured)::int as pledges,
             sum(refunded_cents)::bigint as refunded_cents, sum(refunds)::int as refunds
      from daily_stats`
    expect(stats).toEqual({ captured: '5800', pledges: 5, refundedCents: '600', refunds: 2 })
  }, 20_000)

  it('keeps one campaign exact while hundreds of its events are applied concurrently', async () => {
    const campaignId = crypto.randomUUID()
    const donors = Array.from({ length: 25 }, (_, index) => `g:donor-${index}`)
    const payments = Array.from({ length: 200 }, (_, index) =>
      payment(campaignId, donors[index % donors.length]),
    )
    const amounts = payments.map((_, index) => 100 + ((index * 7919) % 5000))
    const events: CloudEvent[] = payments.map((ref, index) => captured(ref, amounts[index]!))
    for (const [index, ref] of payments.entries()) {
      if (index % 4 !== 0) continue
      // Some whole, some partial, some more than the capture (the net stays at zero).
      const amount = [amounts[index]!, Math.floor(amounts[index]! / 3), amounts[index]! + 500][index % 3]!
      events.push(refunded(ref, amount))
    }
    // In waves, each checked against the oracle: a miscount shows where it happens, whatever follows.
    const order = shuffle([...events, ...events.slice(0, 60)], 42)
    const position = (type: string, paymentId: string) =>
      order.findIndex((e) => e.type === type && (e.data as { paymentId: string }).paymentId === paymentId)
    const early = payments.filter(
      (ref) =>
        position('payment.refunded', ref.paymentId) >= 0 &&
        position('payment.refunded', ref.paymentId) < position('payment.captured', ref.paymentId),
    )
    expect(early.length).toBeGreaterThan(5)
    const seen = new Map<string, CloudEvent>()
    const expectedAfter = () => {
      const capturedCents = new Map<string, number>()
      const refundedSoFar = new Map<string, number>()
      for (const event of seen.values()) {
        const data = event.data as { paymentId: string; amountCents: number }
        const into = event.type === 'payment.captured' ? capturedCents : refundedSoFar
        into.set(data.paymentId, data.amountCents)
      }
      return figuresOf(
        payments.map((ref) => ({
          donorKey: ref.donorKey,
          capturedCents: capturedCents.get(ref.paymentId) ?? 0,
          refundedCents: refundedSoFar.get(ref.paymentId) ?? 0,
        })),
      )
    }
    for (let start = 0; start < order.length; start += 31) {
      const wave = order.slice(start, start + 31)
      for (const event of wave) seen.set(event.id, event)
      await world.publish(wave)
      await applied(world.sql, [...seen.keys()], 20_000)
      const expected = expectedAfter()
      expect(await storedTotals(world.sql, campaignId)).toMatchObject({
        totalAmount: (expected.totalCents / 100).toFixed(2),
        totalPledges: expected.totalPledges,
        totalDonors: expected.totalDonors,
      })
    }
    const expected = expectedAfter()
    expect(await read(campaignId)).toMatchObject({
      totalAmount: expected.totalCents / 100,
      totalPledges: expected.totalPledges,
      totalDonors: expected.totalDonors,
    })
  }, 30_000)

  it('counts a capture and refunds of one payment exactly when they are applied at the same time', async () => {
    // Back to back, so the consumer runs each payment's events concurrently: only the campaign
    // lock keeps the refund from reading the line as it was before the capture.
    const campaignId = crypto.randomUUID()
    const payments = Array.from({ length: 60 }, (_, index) => payment(campaignId, `g:pair-${index % 7}`))
    const events = payments.flatMap((ref, index) => [
      captured(ref, 1000 + index),
      refunded(ref, 300),
      refunded(ref, index % 2 === 0 ? 700 + index : 100),
    ])
    await world.publish(events)
    await applied(
      world.sql,
      events.map((event) => event.id),
      20_000,
    )
    const expected = figuresOf(
      payments.map((ref, index) => ({
        donorKey: ref.donorKey,
        capturedCents: 1000 + index,
        refundedCents: 300 + (index % 2 === 0 ? 700 + index : 100),
      })),
    )
    expect(await storedTotals(world.sql, campaignId)).toMatchObject({
      totalAmount: (expected.totalCents / 100).toFixed(2),
      totalPledges: expected.totalPledges,
      totalDonors: expected.totalDonors,
    })
  }, 30_000)

  it('answers zeros for a campaign it never heard of, and 400 for an id that is not a uuid', async () => {
    expect(await read(crypto.randomUUID())).toMatchObject({
      totalAmount: 0,
      totalPledges: 0,
      totalDonors: 0,
      lastUpdated: null,
    })
    const res = await totals.app.request('/api/totals/not-a-uuid')
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toContain('application/problem+json')
  })
})
