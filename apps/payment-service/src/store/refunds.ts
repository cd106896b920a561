import { claimDue, type Queryable } from '@careforall/db'

export type RefundStatus = 'PENDING' | 'SUCCEEDED' | 'FAILED'
export type RefundPoint = 'refund' | 'awaiting_refund_result' | 'finished'

export interface RefundRow {
  id: string
  paymentId: string
  amount: string
  status: RefundStatus
  idempotencyKey: string
  providerRefundId: string | null
  requestedBy: string
  recoveryPoint: RefundPoint
  nextAttemptAt: Date | null
  lockedUntil: Date | null
  attempts: number
  lastError: string | null
  createdAt: Date
  completedAt: Date | null
}

/** A new refund at its first recovery point, claimed by the request that makes the provider call. */
export async function insertRefund(
  sql: Queryable,
  r: { id: string; paymentId: string; amount: string; requestedBy: string },
  leaseMs: number,
): Promise<RefundRow> {
  const [row] = await sql<RefundRow[]>`
    insert into refunds (id, payment_id, amount, status, idempotency_key, requested_by, recovery_point,
                         next_attempt_at, locked_until, attempts)
    values (${r.id}, ${r.paymentId}, ${r.amount}, 'PENDING', ${`refund:${r.id}`}, ${r.requestedBy}, 'refund',
            now(), now() + ${leaseMs}::float8 * interval '1 millisecond', 1)
    returning *`
  return row!
}

export async function refundsOf(sql: Queryable, paymentId: string): Promise<RefundRow[]> {
  return sql<RefundRow[]>`select * from refunds where payment_id = ${paymentId} order by created_at, id`
}

export async function findRefundByProviderId(
  sql: Queryable,
  providerRefundId: string,
): Promise<RefundRow | undefined> {
  const [row] = await sql<RefundRow[]>`
    select * from refunds where provider_refund_id = ${providerRefundId} for update`
  return row
}

export function claimDueRefunds(sql: Queryable, limit: number, leaseMs: number): Promise<RefundRow[]> {
  return claimDue<RefundRow>(sql, {
    table: 'refunds',
    due: sql`recovery_point = 'refund' and next_attempt_at <= now()`,
    orderBy: 'next_attempt_at',
    limit,
    leaseMs,
  })
}

export async function recordRefundAnswer(
  sql: Queryable,
  id: string,
  providerRefundId: string,
): Promise<boolean> {
  const rows = await sql`
    update refunds set recovery_point = 'awaiting_refund_result', provider_refund_id = ${providerRefundId},
      next_attempt_at = null, locked_until = null, last_error = null
    where id = ${id} and recovery_point = 'refund'
    returning id`
  return rows.length > 0
}

export async function scheduleRefundRetry(
  sql: Queryable,
  id: string,
  delayMs: number,
  error: string,
): Promise<void> {
  await sql`
    update refunds set next_attempt_at = now() + ${delayMs}::float8 * interval '1 millisecond', locked_until = null,
      last_error = ${error.slice(0, 500)}
    where id = ${id} and recovery_point = 'refund'`
}

/** The provider refused the refund outright: it no longer holds back any of the refundable amount. */
export async function failRefund(sql: Queryable, id: string, error: string): Promise<void> {
  await sql`
    update refunds set status = 'FAILED', recovery_point = 'finished', next_attempt_at = null, locked_until = null,
      last_error = ${error.slice(0, 500)}, completed_at = now()
    where id = ${id} and status = 'PENDING'`
}

export async function completeRefund(sql: Queryable, id: string): Promise<void> {
  await sql`
    update refunds set status = 'SUCCEEDED', recovery_point = 'finished', next_attempt_at = null, locked_until = null,
      completed_at = now()
    where id = ${id}`
}

/** Refunds already counted on the payment (the state machine counts each one once). */
export async function succeededRefundIds(sql: Queryable, paymentId: string): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    select id from refunds where payment_id = ${paymentId} and status = 'SUCCEEDED'`
  return rows.map((row) => row.id)
}

export async function pendingRefundTotal(sql: Queryable, paymentId: string): Promise<string> {
  const [row] = await sql<{ total: string }[]>`
    select coalesce(sum(amount), 0)::numeric(12, 2)::text as total from refunds
    where payment_id = ${paymentId} and status = 'PENDING'`
  return row!.total
}

/** Who asked for a refund (an admin or the campaign owner), for the audit log. */
export async function requesterOf(sql: Queryable, refundId: string | undefined): Promise<string | undefined> {
  if (!refundId) return undefined
  const [refund] = await sql<
    { requestedBy: string }[]
  >`select requested_by from refunds where id = ${refundId}`
  return refund?.requestedBy
}
