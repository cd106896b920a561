import { claimDue, jsonb, type Queryable } from '@careforall/db'

export interface DeliveryRow {
  id: string
  webhookId: string
  type: string
  body: string
  attempts: number
}

export interface NewDelivery {
  webhookId: string
  operationId: string
  type: string
  body: string
  delayMs: number
}

/** All of a round's deliveries in one statement (a chaos round makes several copies of each). */
export async function insertDeliveries(sql: Queryable, deliveries: NewDelivery[]): Promise<void> {
  if (deliveries.length === 0) return
  const rows = deliveries.map((d) => ({ ...d, id: Bun.randomUUIDv7() }))
  await sql`
    insert into deliveries (id, webhook_id, operation_id, type, body, due_at)
    select x.id, x."webhookId", x."operationId", x.type, x.body, now() + x."delayMs" * interval '1 millisecond'
    from jsonb_to_recordset(${jsonb(sql, rows)}) as x(id uuid, "webhookId" text, "operationId" text, type text, body text, "delayMs" float8)`
}

/**
 * Claims due deliveries for this instance: `FOR UPDATE SKIP LOCKED` so instances never send the
 * same row at once, and `due_at` moved past the lease so a row whose sender died comes back.
 */
export function claimDueDeliveries(sql: Queryable, limit: number, leaseMs: number): Promise<DeliveryRow[]> {
  return claimDue<DeliveryRow>(sql, {
    table: 'deliveries',
    due: sql`delivered_at is null and failed_at is null and due_at <= now()`,
    orderBy: 'due_at',
    limit,
    leaseMs,
    leaseColumn: 'due_at',
    returning: 'id, webhook_id, type, body, attempts',
  })
}

/** Several acknowledged deliveries in one statement, each with the status it was answered. */
export async function markDelivered(sql: Queryable, acks: { id: string; status: number }[]): Promise<void> {
  if (acks.length === 0) return
  await sql`
    update deliveries d set delivered_at = now(), last_status = x.status, last_error = null
    from jsonb_to_recordset(${jsonb(sql, acks)}) as x(id uuid, status int)
    where d.id = x.id`
}

/** A failed attempt: due again after `delayMs`, or given up for good after the last attempt. */
export async function markFailed(
  sql: Queryable,
  id: string,
  failure: { status: number | null; error: string; delayMs: number; giveUp: boolean },
): Promise<void> {
  await sql`
    update deliveries set
      last_status = ${failure.status}, last_error = ${failure.error.slice(0, 500)},
      due_at = now() + ${failure.delayMs}::float8 * interval '1 millisecond',
      failed_at = ${failure.giveUp ? sql`now()` : null}
    where id = ${id}`
}

export interface DeliveryTotals {
  total: number
  delivered: number
  pending: number
  failed: number
  webhooks: number
}

export async function deliveryTotals(sql: Queryable): Promise<DeliveryTotals> {
  const [row] = await sql<DeliveryTotals[]>`
    select count(*)::int as total,
           count(delivered_at)::int as delivered,
           count(*) filter (where delivered_at is null and failed_at is null)::int as pending,
           count(failed_at)::int as failed,
           count(distinct webhook_id)::int as webhooks
    from deliveries`
  return row!
}
