import type { Queryable } from '@careforall/db'
import { type CampaignFigures, FiguresBuilder, sameFigures, ZERO_FIGURES } from '../domain/ledger'
import type { SummaryClient } from '../reconcile/summary-client'
import { everyTotals, findTotals } from '../store/totals'

/** A campaign whose served totals differ from what the payment service's summary implies. */
export interface Drift {
  campaignId: string
  expected: CampaignFigures
  actual: CampaignFigures
  /** |expected − served| total, in cents. */
  driftCents: number
}

export interface ReconcileResult {
  at: string
  payments: number
  campaigns: number
  drifting: Drift[]
  /** Campaigns that differed at first but agreed after the settle pause (events in flight). */
  transient: number
  /** Σ driftCents over the drifting campaigns. */
  driftCents: number
}

/** Re-checks at most this many campaigns one by one after the settle pause. */
const MAX_RECHECKS = 100

function driftOf(campaignId: string, expected: CampaignFigures, actual: CampaignFigures): Drift | undefined {
  if (sameFigures(expected, actual)) return undefined
  const { totalCents, totalPledges, totalDonors } = actual
  return {
    campaignId,
    expected,
    actual: { totalCents, totalPledges, totalDonors },
    driftCents: Math.abs(expected.totalCents - totalCents),
  }
}

async function expectedFigures(summary: SummaryClient, campaignId?: string) {
  const builders = new Map<string, FiguresBuilder>()
  let payments = 0
  for await (const page of summary.pages(campaignId ? { campaignId } : {})) {
    for (const item of page) {
      let builder = builders.get(item.campaignId)
      if (!builder) {
        builder = new FiguresBuilder()
        builders.set(item.campaignId, builder)
      }
      builder.add(item)
      payments++
    }
  }
  return { payments, figures: new Map([...builders].map(([id, builder]) => [id, builder.figures()])) }
}

/**
 * Compares every campaign's served totals with the figures the payment service's summary implies
 * (the domain's ledger arithmetic over its per-payment amounts). Events in flight make a campaign
 * differ for a moment, so each campaign found drifting is checked again after `settleMs`, alone,
 * and counted only if it still differs: what remains is real drift, for the metric and the alert.
 */
export async function reconcile(options: {
  sql: Queryable
  summary: SummaryClient
  settleMs: number
}): Promise<ReconcileResult> {
  const { payments, figures: expected } = await expectedFigures(options.summary)
  const candidates: Drift[] = []
  const served = new Set<string>()
  for await (const totals of everyTotals(options.sql)) {
    served.add(totals.campaignId)
    const drift = driftOf(totals.campaignId, expected.get(totals.campaignId) ?? ZERO_FIGURES, totals)
    if (drift) candidates.push(drift)
  }
  for (const [campaignId, figures] of expected) {
    const drift = served.has(campaignId) ? undefined : driftOf(campaignId, figures, ZERO_FIGURES)
    if (drift) candidates.push(drift)
  }
  let drifting = candidates
  if (candidates.length > 0 && options.settleMs > 0) {
    await Bun.sleep(options.settleMs)
    drifting = []
    for (const [index, candidate] of candidates.entries()) {
      if (index >= MAX_RECHECKS) {
        drifting.push(candidate)
        continue
      }
      const again = await expectedFigures(options.summary, candidate.campaignId)
      const actual = (await findTotals(options.sql, candidate.campaignId)) ?? ZERO_FIGURES
      const drift = driftOf(
        candidate.campaignId,
        again.figures.get(candidate.campaignId) ?? ZERO_FIGURES,
        actual,
      )
      if (drift) drifting.push(drift)
    }
  }
  return {
    at: new Date().toISOString(),
    payments,
    campaigns: new Set([...served, ...expected.keys()]).size,
    drifting,
    transient: candidates.length - drifting.length,
    driftCents: drifting.reduce((sum, drift) => sum + drift.driftCents, 0),
  }
}
