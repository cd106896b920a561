import { claimDue, type Queryable } from '@careforall/db'
import type { FailureReason, PaymentStatus } from '../domain/payment-machine'
import type { RecoveryPoint } from '../domain/recovery'

export interface PaymentRow {
  id: string
  pledgeId: string
  campaignId: string
  campaignOwnerId: string
  donorKey: string
  amount: string
  currency: string
  paymentMethod: string
  provider: string
  providerTransactionId: string | null
  idempotencyKey: string
  status: PaymentStatus
  failureReason: FailureReason | null
  capturedAmount: string
  refundedAmount: string
  recoveryPoint: RecoveryPoint
  nextAttemptAt: Date | null
  lockedUntil: Date | null
  attempts: number
  lastError: string | null
  captureRequestedBy: string | null
  authorizedAt: Date | null
  capturedAt: Date | null
  traceHeaders: Record<string, string>
  createdAt: Date
  updatedAt: Date
}

export interface NewPayment {
  id: string
  pledgeId: string
  campaignId: string
  campaignOwnerId: string
  donorKey: string
  amount: string
  paymentMethod: string
  provider: string
  traceHeaders: Record<string, string>
}

/**
 * Creates the payment at its first recovery point (`authorize`), already claimed by the caller
 * for `leaseMs`: it calls the provider right after the commit, and the resumer only takes over if
 * that caller dies. Its first history row (PENDING, caused by `causeEventId`) is written by the
 * same statement. A second event for the same pledge changes nothing (UNIQUE(pledge_id)).
 */
export async function insertPayment(
  sql: Queryable,
  p: NewPayment,
  leaseMs: number,
  causeEventId: string,
): Promise<PaymentRow | undefined> {
  const [row] = await sql<PaymentRow[]>`
    with created as (
      insert into payments (id, pledge_id, campaign_id, campaign_owner_id, donor_key, amount, payment_method, provider,
                            idempotency_key, status, recovery_point, next_attempt_at, locked_until, attempts, trace_headers)
      values (${p.id}, ${p.pledgeId}, ${p.campaignId}, ${p.campaignOwnerId}, ${p.donorKey}, ${p.amount}, ${p.paymentMethod},
              ${p.provider}, ${`authorize:${p.id}`}, 'PENDING', 'authorize', now(),
              now() + ${leaseMs}::float8 * interval '1 millisecond', 1, ${sql.json(p.traceHeaders)})
      on conflict (pledge_id) do nothing
      returning *
    ), first as (
      insert into payment_history (payment_id, from_status, to_status, event_type, amount, cause_kind, cause_id)
      select id, null, 'PENDING', null, amount, 'event', ${causeEventId} from created
    )
    select * from created`
  return row
}

export async function findPayment(sql: Queryable, id: string, lock = false): Promise<PaymentRow | undefined> {
  const [row] = await sql<PaymentRow[]>`
    select * from payments where id = ${id} ${lock ? sql`for update` : sql``}`
  return row
}

export async function findByTransaction(
  sql: Queryable,
  provider: string,
  transactionId: string,
): Promise<PaymentRow | undefined> {
  const [row] = await sql<PaymentRow[]>`
    select * from payments where provider = ${provider} and provider_transaction_id = ${transactionId} for update`
  return row
}

/** Claims one payment whose recovery point asks for a provider call, unless someone holds it. */
export async function claimPayment(
  sql: Queryable,
  id: string,
  leaseMs: number,
): Promise<PaymentRow | undefined> {
  const [row] = await sql<PaymentRow[]>`
    update payments set locked_until = now() + ${leaseMs}::float8 * interval '1 millisecond', attempts = attempts + 1
    where id = ${id} and recovery_point in ('authorize', 'capture', 'void') and next_attempt_at <= now()
      and (locked_until is null or locked_until < now())
    returning *`
  return row
}

/** The resumer's batch: due payments nobody holds (their caller died, or a retry is due). */
export function claimDuePayments(sql: Queryable, limit: number, leaseMs: number): Promise<PaymentRow[]> {
  return claimDue<PaymentRow>(sql, {
    table: 'payments',
    due: sql`recovery_point in ('authorize', 'capture', 'void') and next_attempt_at <= now()`,
    orderBy: 'next_attempt_at',
    limit,
    leaseMs,
  })
}

/**
 * Records a provider's answer and moves to the next recovery point — only if the payment is still
 * at the point the call was made from (a webhook may have moved it further meanwhile: then the
 * answer is old news and nothing changes).
 */
export async function recordAnswer(
  sql: Queryable,
  id: string,
  from: RecoveryPoint,
  to: RecoveryPoint,
  providerTransactionId?: string,
): Promise<boolean> {
  const rows = await sql`
    update payments set recovery_point = ${to}, next_attempt_at = null, locked_until = null, last_error = null,
      provider_transaction_id = coalesce(${providerTransactionId ?? null}, provider_transaction_id), updated_at = now()
    where id = ${id} and recovery_point = ${from}
    returning id`
  return rows.length > 0
}

/** A failed call: due again after `delayMs` (or parked at `needs_attention` when the provider refused it). */
export async function scheduleRetry(
  sql: Queryable,
  id: string,
  from: RecoveryPoint,
  failure: { delayMs: number; error: string; park?: boolean },
): Promise<void> {
  await sql`
    update payments set
      next_attempt_at = ${failure.park ? null : sql`now() + ${failure.delayMs}::float8 * interval '1 millisecond'`},
      recovery_point = ${failure.park ? 'needs_attention' : from},
      locked_until = null, last_error = ${failure.error.slice(0, 500)}, updated_at = now()
    where id = ${id} and recovery_point = ${from}`
}

export interface PaymentChanges {
  status: PaymentStatus
  capturedAmount: string
  refundedAmount: string
  failureReason: FailureReason | null
  recoveryPoint: RecoveryPoint
  authorized: boolean
  captured: boolean
  /** Claim the next provider call for the caller (it makes it right after commit). */
  claimMs?: number | undefined
}

export async function updatePayment(sql: Queryable, id: string, c: PaymentChanges): Promise<PaymentRow> {
  const claim = c.claimMs !== undefined
  const [row] = await sql<PaymentRow[]>`
    update payments set
      status = ${c.status}, captured_amount = ${c.capturedAmount}, refunded_amount = ${c.refundedAmount},
      failure_reason = ${c.failureReason}, recovery_point = ${c.recoveryPoint},
      authorized_at = ${c.authorized ? sql`coalesce(authorized_at, now())` : sql`authorized_at`},
      captured_at = ${c.captured ? sql`coalesce(captured_at, now())` : sql`captured_at`},
      next_attempt_at = ${claim ? sql`now()` : sql`next_attempt_at`},
      locked_until = ${claim ? sql`now() + ${c.claimMs ?? 0}::float8 * interval '1 millisecond'` : sql`locked_until`},
      updated_at = now()
    where id = ${id}
    returning *`
  return row!
}

/** An admin's capture (manual mode): moves `awaiting_capture` to `capture`, claimed by the caller. */
export async function requestCapture(
  sql: Queryable,
  id: string,
  userId: string,
  leaseMs: number,
): Promise<PaymentRow> {
  const [row] = await sql<PaymentRow[]>`
    update payments set recovery_point = 'capture', capture_requested_by = ${userId}, next_attempt_at = now(),
      locked_until = now() + ${leaseMs}::float8 * interval '1 millisecond', updated_at = now()
    where id = ${id}
    returning *`
  return row!
}

/** Holds older than the provider's hold period, moved to `void` for the resumer. */
export async function expireHolds(sql: Queryable, holdDays: number, limit: number): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    update payments set recovery_point = 'void', next_attempt_at = now(), updated_at = now()
    where id in (
      select id from payments
      where status = 'AUTHORIZED' and recovery_point in ('awaiting_capture', 'capture')
        and authorized_at < now() - ${holdDays}::float8 * interval '1 day'
        and (locked_until is null or locked_until < now())
      limit ${limit}
      for update skip locked)
    returning id`
  return rows.map((row) => row.id)
}

/**
 * Payments whose webhook has not come for `silentMs` go back to their call point, due now: the
 * resumer repeats the call with the same key, and the provider answers with the operation it
 * already made, decided by now (the answer is then the fact). Returns how many.
 */
export async function requeueSilent(sql: Queryable, silentMs: number): Promise<number> {
  const rows = await sql`
    update payments set
      recovery_point = case recovery_point when 'awaiting_authorization' then 'authorize' else 'capture' end,
      next_attempt_at = now(), locked_until = null, updated_at = now()
    where recovery_point in ('awaiting_authorization', 'awaiting_capture_result')
      and updated_at < now() - ${silentMs}::float8 * interval '1 millisecond'
    returning id`
  return rows.length
}
