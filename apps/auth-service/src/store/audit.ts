import { jsonb, type Queryable } from '@careforall/db'

export interface AuditRow {
  id: string
  actorId: string
  action: string
  targetId: string
  details: Record<string, unknown>
  at: Date
}

export async function insertAudit(
  sql: Queryable,
  entry: { actorId: string; action: string; targetId: string; details: Record<string, unknown> },
): Promise<void> {
  await sql`
    insert into audit_log (id, actor_id, action, target_id, details)
    values (${Bun.randomUUIDv7()}, ${entry.actorId}, ${entry.action}, ${entry.targetId}, ${jsonb(sql, entry.details)})`
}

export interface AuditFilter {
  /** Exactly this action (`user.role_changed`, `payment.refunded`, …). */
  action?: string | undefined
  actorId?: string | undefined
  targetId?: string | undefined
  /** Entries at or after this time. */
  from?: string | undefined
  /** Entries before this time. */
  to?: string | undefined
}

/**
 * A page of the audit log, newest first. Filters only narrow the rows: the order and the keyset
 * position stay `(at, id)`, so pages of a filtered list never skip or repeat an entry. Each
 * equality filter has an index in that order (002), and the time window uses `audit_log_at_idx`.
 */
export async function listAudit(
  sql: Queryable,
  options: AuditFilter & { limit: number; after?: { createdAt: string; id: string } | undefined },
): Promise<AuditRow[]> {
  return sql<AuditRow[]>`
    select * from audit_log
    where true
      ${options.action === undefined ? sql`` : sql`and action = ${options.action}`}
      ${options.actorId === undefined ? sql`` : sql`and actor_id = ${options.actorId}`}
      ${options.targetId === undefined ? sql`` : sql`and target_id = ${options.targetId}`}
      ${options.from === undefined ? sql`` : sql`and at >= ${options.from}::timestamptz`}
      ${options.to === undefined ? sql`` : sql`and at < ${options.to}::timestamptz`}
      ${options.after ? sql`and (at, id) < (${options.after.createdAt}::timestamptz, ${options.after.id}::uuid)` : sql``}
    order by at desc, id desc
    limit ${options.limit}`
}
