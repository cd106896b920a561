import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { CloudEvent, PaymentSummaryItem } from '@careforall/contracts'
import { inheritedEnv } from '@careforall/devkit/testing'
import { metricsText, startTelemetry } from '@careforall/otel'
import { figuresOf } from '../src/domain/ledger'
import { createSummaryClient, type SummaryClient } from '../src/reconcile/summary-client'
import { dailyStats } from '../src/store/stats'
import { rebuildFromSummary } from '../src/usecases/rebuild'
import { reconcile } from '../src/usecases/reconcile'
import { captured, type PaymentRef, payment, refunded } from './support/events'
import {
  applied,
  createTotalsWorld,
  INTERNAL_SECRET,
  type Instance,
  storedTotals,
  type TotalsWorld,
} from './support/totals-world'

// The drift gauges are read from the Prometheus text the service serves at /metrics.
startTelemetry({ serviceName: 'totals-service-test' })

let world: TotalsWorld
let totals: Instance
let summary: SummaryClient

beforeAll(async () => {
  world = await createTotalsWorld()
  totals = await world.start()
  summary = createSummaryClient({ baseUrl: world.summary.url, internalSecret: INTERNAL_SECRET, pageSize: 3 })
}, 30_000)
afterAll(async () => {
  await world?.close()
}, 30_000)

/** What the payment service knows, and the events it published about it. */
function knows(
  ref: PaymentRef,
  capturedCents: number,
  refundedCents = 0,
  refunds: PaymentSummaryItem['refunds'] = [],
): void {
  world.summary.payments.set(ref.paymentId, {
    ...ref,
    capturedCents,
    refundedCents,
    capturedAt: new Date().toISOString(),
    refunds,
  })
}

async function publishApplied(events: CloudEvent[]) {
  await world.publish(events)
  await applied(
    world.sql,
    events.map((event) => event.id),
  )
}

function expectedOf(campaignId: string) {
  return figuresOf([...world.summary.payments.values()].filter((item) => item.campaignId === campaignId))
}

function gauge(text: string, name: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${name} `) || l.startsWith(`${name}{`))
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1))
}

async function runCli(): Promise<{ code: number; stdout: string }> {
  const proc = Bun.spawn(['bun', 'run', 'rebuild'], {
    cwd: `${import.meta.dir}/..`,
    env: {
      ...inheritedEnv,
      DATABASE_URL: world.resources.databaseUrl('totals'),
      PAYMENT_SERVICE_URL: world.summary.url,
      INTERNAL_SERVICE_SECRET: INTERNAL_SECRET,
      LOG_LEVEL: 'silent',
    },
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) console.error(stderr)
  return { code, stdout }
}

describe('reconciliation and rebuild', () => {
  const [a, b, c] = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()]
  const a1 = payment(a, 'u:ann')
  const a2 = payment(a, 'g:ben')
  const b1 = payment(b, 'u:ann')
  const c1 = payment(c, 'g:cy')

  it('finds no drift while the read model agrees with the payment service', async () => {
    knows(a1, 5000, 1000)
    knows(a2, 1200)
    knows(b1, 300)
    await publishApplied([captured(a1, 5000), refunded(a1, 1000), captured(a2, 1200), captured(b1, 300)])
    const result = await totals.totals.reconciler.runOnce()
    expect(result).toMatchObject({ payments: 3, campaigns: 2, drifting: [], driftCents: 0 })
    expect(gauge(await metricsText(), 'totals_drift_cents')).toBe(0)
    expect(world.summary.requests.every((request) => request.secret === INTERNAL_SECRET)).toBe(true)
  })

  it('shows a corrupted row, a lost event and a stray ledger line as drift, and the rebuild restores exact totals', async () => {
    // A corrupted totals row; a capture whose event never arrived; a ledger line the payment
    // service does not know (and whose total is corrupted into the campaign too).
    await world.sql`update campaign_totals set total_amount = total_amount + 12.34 where campaign_id = ${a}`
    knows(c1, 777)
    await world.sql`
      insert into payment_ledger (payment_id, campaign_id, donor_key, captured_cents, captured_at, updated_at)
      values (${crypto.randomUUID()}, ${b}, 'g:ghost', 900, now(), now() - interval '1 hour')`
    await world.sql`update campaign_totals set total_amount = 12.00, total_pledges = 2, total_donors = 2
                    where campaign_id = ${b}`

    const drifted = await totals.totals.reconciler.runOnce()
    expect(new Map(drifted.drifting.map((d) => [d.campaignId, d.driftCents]))).toEqual(
      new Map([
        [a, 1234],
        [b, 900],
        [c, 777],
      ]),
    )
    const metrics = await metricsText()
    expect(gauge(metrics, 'totals_drift_cents')).toBe(1234 + 900 + 777)
    expect(gauge(metrics, 'totals_drifting_campaigns')).toBe(3)

    const versionOfA = Number((await storedTotals(world.sql, a))!.version)
    const run = await runCli()
    expect(run.code).toBe(0)
    expect(JSON.parse(run.stdout.trim().split('\n').at(-1)!)).toMatchObject({
      rebuilt: true,
      payments: 4,
      changedCampaigns: 3,
    })
    for (const campaignId of [a, b, c]) {
      const expected = expectedOf(campaignId)
      expect(await storedTotals(world.sql, campaignId)).toMatchObject({
        totalAmount: (expected.totalCents / 100).toFixed(2),
        totalPledges: expected.totalPledges,
        totalDonors: expected.totalDonors,
      })
    }
    expect(Number((await storedTotals(world.sql, a))!.version)).toBe(versionOfA + 1)
    expect(await totals.totals.reconciler.runOnce()).toMatchObject({ drifting: [], driftCents: 0 })
    expect(gauge(await metricsText(), 'totals_drift_cents')).toBe(0)

    // Running instances pick the rebuilt rows up at their next refresh (their versions grew).
    await totals.cache.refreshAll()
    const res = await totals.app.request(`/api/totals/${c}`)
    expect(await res.json()).toMatchObject({ totalAmount: 7.77, totalPledges: 1, totalDonors: 1 })
  }, 30_000)

  it('keeps what an event changed while the rebuild was reading the summary', async () => {
    // The summary is read before the refund lands; the refund is applied during the rebuild.
    const late = refunded(a2, 200)
    const racing: SummaryClient = {
      async *pages(filter) {
        await publishApplied([late])
        yield* summary.pages(filter)
      },
    }
    const result = await rebuildFromSummary(world.sql, racing)
    expect(result.payments).toBe(4)
    // Taking the summary as read would have dropped the refund (52.00), and its event, already in
    // the inbox, would never come again.
    expect(await storedTotals(world.sql, a)).toMatchObject({ totalAmount: '50.00', totalPledges: 2 })
    knows(a2, 1200, 200) // the payment service has it by now too
    expect(await totals.totals.reconciler.runOnce()).toMatchObject({ drifting: [] })
  }, 20_000)

  it('does not count again a refund whose event arrives after the rebuild read it in the summary', async () => {
    const campaignId = crypto.randomUUID()
    const p1 = payment(campaignId)
    knows(p1, 5000)
    await publishApplied([captured(p1, 5000)])
    const refundsCounted = async () =>
      (await world.sql<{ n: number }[]>`select coalesce(sum(refunds), 0)::int as n from daily_stats`)[0]!.n
    const before = await refundsCounted()
    // The payment service committed a refund; its event is still on the way when the rebuild reads.
    const refundId = crypto.randomUUID()
    knows(p1, 5000, 1500, [{ refundId, amountCents: 1500, refundedAt: new Date().toISOString() }])
    await rebuildFromSummary(world.sql, summary)
    expect(await storedTotals(world.sql, campaignId)).toMatchObject({ totalAmount: '35.00', totalPledges: 1 })
    await publishApplied([refunded(p1, 1500, refundId)])
    expect(await storedTotals(world.sql, campaignId)).toMatchObject({ totalAmount: '35.00', totalPledges: 1 })
    expect(await refundsCounted()).toBe(before + 1)
    expect(await totals.totals.reconciler.runOnce()).toMatchObject({ drifting: [] })
  }, 20_000)

  it('recomputes the per-day statistics the events built, after they were corrupted', async () => {
    const today = new Date().toISOString().slice(0, 10)
    const before = await dailyStats(world.sql, '2020-01-01', today)
    expect(before.at(-1)).toMatchObject({ day: today })
    expect(before.at(-1)!.pledgesCaptured).toBeGreaterThan(0)
    expect(before.at(-1)!.refunds).toBeGreaterThan(0)
    await world.sql`update daily_stats set captured_cents = captured_cents + 999, refunds = refunds + 5`
    await world.sql`insert into daily_stats (day, shard, captured_cents, pledges_captured) values ('2020-01-01', 3, 100, 1)`
    expect(await dailyStats(world.sql, '2020-01-01', today)).not.toEqual(before)
    await rebuildFromSummary(world.sql, summary)
    expect(await dailyStats(world.sql, '2020-01-01', today)).toEqual(before)
  }, 20_000)

  it('does not report a campaign whose event was only in flight when it first looked', async () => {
    const d1 = payment(crypto.randomUUID())
    knows(d1, 2500)
    // The capture is published only once the first pass is over, when the campaign is re-checked.
    const settling: SummaryClient = {
      async *pages(filter) {
        if (filter?.campaignId === d1.campaignId) await publishApplied([captured(d1, 2500)])
        yield* summary.pages(filter)
      },
    }
    const result = await reconcile({ sql: world.sql, summary: settling, settleMs: 50 })
    expect(result).toMatchObject({ drifting: [], transient: 1, driftCents: 0 })
  })
})
