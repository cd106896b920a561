import type postgres from 'postgres'
import type { Queryable } from './client'

export interface DueWork {
  table: string
  /** Which rows are due, the caller's own condition (a fragment of `sql`). */
  due: postgres.PendingQuery<postgres.Row[]>
  /** Oldest due first: the column rows are ordered by. */
  orderBy: string
  limit: number
  leaseMs: number
  /**
   * Where the lease is kept. `locked_until` (the default): a column only leases use, checked free
   * here. Or the row's own due time, e.g. `due_at`, which the lease moves on and `due` checks.
   */
  leaseColumn?: string
  /** The columns to return (`*` by default). */
  returning?: string
}

/**
 * Claims up to `limit` due rows for this instance: locked `FOR UPDATE SKIP LOCKED`, so instances
 * never take the same row at once and never wait on each other, then leased for `leaseMs` and
 * counted in `attempts`, so a row whose worker died comes back when its lease runs out. The one
 * way the platform takes due work from a table: provider calls, refunds, webhook deliveries and
 * the outbox relay.
 */
export function claimDue<T extends object>(sql: Queryable, work: DueWork): Promise<T[]> {
  const leaseColumn = work.leaseColumn ?? 'locked_until'
  const free =
    leaseColumn === 'locked_until' ? sql`and (locked_until is null or locked_until <= now())` : sql``
  return sql<T[]>`
    update ${sql(work.table)}
    set ${sql(leaseColumn)} = now() + ${work.leaseMs}::float8 * interval '1 millisecond', attempts = attempts + 1
    where id in (
      select id from ${sql(work.table)}
      where ${work.due} ${free}
      order by ${sql(work.orderBy)}
      limit ${work.limit}
      for update skip locked)
    returning ${sql.unsafe(work.returning ?? '*')}`
}
