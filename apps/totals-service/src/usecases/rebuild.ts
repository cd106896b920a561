import { type Sql, withTransaction } from '@careforall/db'
import type { SummaryClient } from '../reconcile/summary-client'
import { stageSummary, swapInStaged } from '../store/rebuild'

export interface RebuildResult {
  payments: number
  /** Campaigns whose served totals changed (their version grew). */
  changedCampaigns: string[]
}

/**
 * Rebuilds the read model from the payment service's summary: stages every page, then swaps it in
 * and recomputes every campaign in the same transaction (`store/rebuild.ts` says how lines touched
 * meanwhile are merged), and recomputes the per-day statistics from the rebuilt ledger (the
 * summary gives each capture's time and each refund's). One rebuild at a time (an advisory lock).
 * Running instances pick the new rows up at their next cache refresh (their versions grew).
 *
 * The summary names each refund it counts: the rebuild records them as counted refunds, so a
 * refund the payment service had committed when the summary was read, but whose event had not
 * reached this service yet, adds nothing when that event arrives.
 */
export function rebuildFromSummary(sql: Sql, summary: SummaryClient): Promise<RebuildResult> {
  return withTransaction(
    sql,
    async (tx) => {
      await tx`select pg_advisory_xact_lock(hashtext('totals-service.rebuild'))`
      const [started] = await tx<{ at: Date }[]>`select clock_timestamp() as at`
      await tx`truncate rebuild_staging, rebuild_staging_refunds`
      let payments = 0
      for await (const page of summary.pages()) {
        await stageSummary(tx, page)
        payments += page.length
      }
      const changedCampaigns = await swapInStaged(tx, started!.at)
      return { payments, changedCampaigns }
    },
    { name: 'totals.rebuild', retries: 0 },
  )
}
