import { numericToCents } from '@careforall/contracts'
import type { Queryable } from '@careforall/db'
import { consumedEvents } from '@careforall/messaging'
import type { TotalsSnapshot } from '../domain/totals'

/** A `campaign_totals` row as postgres.js returns it (NUMERIC and int8 as strings). */
export interface TotalsRow {
  campaignId: string
  totalAmount: string
  totalPledges: number
  totalDonors: number
  lastUpdated: Date | null
  version: string
}

export const TOTALS_COLUMNS = 'campaign_id, total_amount, total_pledges, total_donors, last_updated, version'
/** The same columns qualified with `t.`, for statements that join `campaign_totals t`. */
export const T_TOTALS_COLUMNS = TOTALS_COLUMNS.split(', ')
  .map((column) => `t.${column}`)
  .join(', ')

export function snapshotOf(row: TotalsRow): TotalsSnapshot {
  return {
    campaignId: row.campaignId,
    totalCents: numericToCents(row.totalAmount),
    totalPledges: row.totalPledges,
    totalDonors: row.totalDonors,
    lastUpdated: row.lastUpdated ? row.lastUpdated.toISOString() : null,
    version: Number(row.version),
  }
}

/** One campaign's served totals; undefined when no event ever touched it. */
export async function findTotals(sql: Queryable, campaignId: string): Promise<TotalsSnapshot | undefined> {
  const [row] = await sql<TotalsRow[]>`
    select ${sql.unsafe(TOTALS_COLUMNS)} from campaign_totals where campaign_id = ${campaignId}`
  return row && snapshotOf(row)
}

/** Several campaigns' totals in one query (the cache's periodic re-read). */
export async function findManyTotals(sql: Queryable, campaignIds: string[]): Promise<TotalsSnapshot[]> {
  if (campaignIds.length === 0) return []
  const rows = await sql<TotalsRow[]>`
    select ${sql.unsafe(TOTALS_COLUMNS)} from campaign_totals where campaign_id = any(${campaignIds}::uuid[])`
  return rows.map(snapshotOf)
}

/** Every campaign's served totals, page by page (reconciliation compares them all). */
export async function* everyTotals(sql: Queryable, pageSize = 1000): AsyncGenerator<TotalsSnapshot> {
  let after = '00000000-0000-0000-0000-000000000000'
  for (;;) {
    const rows = await sql<TotalsRow[]>`
      select ${sql.unsafe(TOTALS_COLUMNS)} from campaign_totals
      where campaign_id > ${after} order by campaign_id limit ${pageSize}`
    for (const row of rows) yield snapshotOf(row)
    if (rows.length < pageSize) return
    after = rows.at(-1)!.campaignId
  }
}

/**
 * Of these events, the ones the durable consumer has applied (messaging's inbox holds them), each with its
 * campaign's totals read in the same statement: the inbox row and the totals commit together, so
 * the row returned includes the event.
 */
export async function appliedWithTotals(
  sql: Queryable,
  consumer: string,
  events: { eventId: string; campaignId: string }[],
): Promise<{ eventId: string; totals: TotalsSnapshot }[]> {
  if (events.length === 0) return []
  const rows = await sql<(TotalsRow & { eventId: string })[]>`
    select e.event_id, ${sql.unsafe(T_TOTALS_COLUMNS)}
    from unnest(${events.map((e) => e.eventId)}::text[], ${events.map((e) => e.campaignId)}::uuid[])
      as e (event_id, campaign_id)
    join ${consumedEvents(
      sql,
      consumer,
      events.map((e) => e.eventId),
    )} i on i.event_id = e.event_id
    join campaign_totals t on t.campaign_id = e.campaign_id`
  return rows.map((row) => ({ eventId: row.eventId, totals: snapshotOf(row) }))
}
