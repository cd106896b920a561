import type { Queryable } from '@careforall/db'

/** One UTC day of payment activity, in cents. */
export interface DayStats {
  day: string
  capturedCents: number
  refundedCents: number
  pledgesCaptured: number
  refunds: number
}

/** The days between `from` and `to` (both included) that had any activity, oldest first. */
export async function dailyStats(sql: Queryable, from: string, to: string): Promise<DayStats[]> {
  const rows = await sql<
    { day: string; capturedCents: string; refundedCents: string; pledgesCaptured: number; refunds: number }[]
  >`
    select to_char(day, 'YYYY-MM-DD') as day,
           sum(captured_cents)::bigint as captured_cents, sum(refunded_cents)::bigint as refunded_cents,
           sum(pledges_captured)::int as pledges_captured, sum(refunds)::int as refunds
    from daily_stats
    where day between ${from}::date and ${to}::date
    group by day
    order by day`
  return rows.map((row) => ({
    day: row.day,
    capturedCents: Number(row.capturedCents),
    refundedCents: Number(row.refundedCents),
    pledgesCaptured: row.pledgesCaptured,
    refunds: row.refunds,
  }))
}
