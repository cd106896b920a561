import { centsToNumeric, numericToCents } from '@careforall/contracts'
import type { TransactionSql } from '@careforall/db'
import { applyFact, type PaymentFact, type PaymentState, type Transition } from '../domain/payment-machine'
import { type CaptureMode, recoveryAfter } from '../domain/recovery'
import { recordTransition } from '../events/payment-events'
import type { Cause } from '../store/history'
import { type PaymentRow, updatePayment } from '../store/payments'
import { completeRefund, requesterOf, succeededRefundIds } from '../store/refunds'

export interface Recorded {
  payment: PaymentRow
  transitions: Transition[]
  /** The next provider call (capture) was claimed for the caller, to make right after commit. */
  claimed: boolean
}

export function stateOf(row: PaymentRow, refundsApplied: string[]): PaymentState {
  return {
    status: row.status,
    amountCents: numericToCents(row.amount),
    capturedCents: numericToCents(row.capturedAmount),
    refundedCents: numericToCents(row.refundedAmount),
    failureReason: row.failureReason,
    refundsApplied,
  }
}

/**
 * Applies a fact to a payment the caller has locked: runs the pure state machine, stores the new
 * state and recovery point, one history row and one outbox event per transition, and completes
 * the refunds it counted. A fact that changes nothing writes nothing. `alongside` is a write of
 * the caller's (say, marking the webhook applied) sent in the same round trip as the last ones;
 * it learns whether anything changed.
 */
export async function recordFact(
  tx: TransactionSql,
  payment: PaymentRow,
  fact: PaymentFact,
  cause: Cause,
  options: { captureMode: CaptureMode; leaseMs: number },
  alongside?: (changed: boolean) => Promise<unknown>,
): Promise<Recorded> {
  // Only a refund needs to know which refunds were counted already, and who asked for it.
  const [counted, refunder] =
    fact.type === 'refunded'
      ? await Promise.all([succeededRefundIds(tx, payment.id), requesterOf(tx, fact.refundId)])
      : [[], undefined]
  const { state, transitions } = applyFact(stateOf(payment, counted), fact)
  if (transitions.length === 0) {
    await alongside?.(false)
    return { payment, transitions, claimed: false }
  }
  const recoveryPoint = recoveryAfter(state.status, payment.recoveryPoint, options.captureMode)
  const claimed = recoveryPoint === 'capture' && payment.recoveryPoint !== 'capture'
  const updated = await updatePayment(tx, payment.id, {
    status: state.status,
    capturedAmount: centsToNumeric(state.capturedCents),
    refundedAmount: centsToNumeric(state.refundedCents),
    failureReason: state.failureReason,
    recoveryPoint,
    authorized: transitions.some((t) => t.event === 'payment.authorized'),
    captured: transitions.some((t) => t.event === 'payment.captured'),
    claimMs: claimed ? options.leaseMs : undefined,
  })
  // Every write is issued here, in order, nothing awaited in between: the server runs them in that
  // order, and a failure rolls all of them back (no write is left to go out after the rollback).
  const writes: Promise<unknown>[] = []
  for (const t of transitions) {
    writes.push(recordTransition(tx, updated, t, cause, refunder))
    if (t.refundId) writes.push(completeRefund(tx, t.refundId))
  }
  if (alongside) writes.push(alongside(true))
  await Promise.all(writes)
  return { payment: updated, transitions, claimed }
}
