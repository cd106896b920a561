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

export async function listAudit(
  sql: Queryable,
  options: { limit: number; after?: { createdAt: string; id: string } | undefined },
): Promise<AuditRow[]> {
  return sql<AuditRow[]>`
    select * from audit_log
    where true ${options.after ? sql`and (at, id) < (${options.after.createdAt}::timestamptz, ${options.after.id}::uuid)` : sql``}
    order by at desc, id desc
    limit ${options.limit}`
}
