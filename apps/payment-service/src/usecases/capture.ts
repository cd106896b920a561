import { centsToNumeric, numericToCents } from '@careforall/contracts'
import type { TransactionSql } from '@careforall/db'
import { type AuthUser, ConflictError, NotFoundError, UnprocessableError } from '@careforall/http'
import { checkRefund, refundableCents } from '../domain/refunds'
import { findPayment, type PaymentRow, requestCapture } from '../store/payments'
import { insertRefund, pendingRefundTotal, type RefundRow } from '../store/refunds'

/** Admins see every payment; a campaign's owner sees (and may refund) the payments to it. */
export function canManage(user: AuthUser, payment: PaymentRow): boolean {
  return user.role === 'admin' || user.id === payment.campaignOwnerId
}

/**
 * An admin's capture (manual mode), run inside the idempotent request's transaction: only an
 * AUTHORIZED payment waiting for one can be captured; its `capture` recovery point is claimed
 * for this request, which calls the provider right after the commit. Anything else is a 409 that
 * says where the payment is (a second capture of a captured payment changes nothing).
 */
export async function captureCommand(
  tx: TransactionSql,
  id: string,
  user: AuthUser,
  leaseMs: number,
): Promise<PaymentRow> {
  const payment = await findPayment(tx, id, true)
  if (!payment) throw new NotFoundError('No payment with this id')
  if (payment.status === 'AUTHORIZED' && payment.recoveryPoint === 'awaiting_capture') {
    return requestCapture(tx, id, user.id, leaseMs)
  }
  const why =
    payment.status === 'PENDING'
      ? 'The payment is not authorized yet'
      : payment.status === 'AUTHORIZED' && payment.recoveryPoint === 'void'
        ? 'The authorization has expired and is being released'
        : payment.status === 'AUTHORIZED'
          ? 'A capture of this payment is already under way'
          : `The payment is ${payment.status}`
  throw new ConflictError(why, { paymentStatus: payment.status })
}

/**
 * A refund, partial or of all that remains, run inside the idempotent request's transaction under
 * a row lock on the payment: concurrent refunds of one payment are serialized, and each is checked
 * against captured − refunded − pending, so together they can never exceed what was captured.
 * More than remains is a 422 (well-formed, but more money than there is); nothing left is a 409.
 */
export async function refundCommand(
  tx: TransactionSql,
  id: string,
  user: AuthUser,
  requestedCents: number | undefined,
  leaseMs: number,
): Promise<RefundRow> {
  const payment = await findPayment(tx, id, true)
  if (!payment || !canManage(user, payment)) throw new NotFoundError('No payment with this id')
  if (payment.status !== 'CAPTURED') {
    throw new ConflictError(`Only a captured payment can be refunded; this one is ${payment.status}`, {
      paymentStatus: payment.status,
    })
  }
  const remaining = refundableCents(
    numericToCents(payment.capturedAmount),
    numericToCents(payment.refundedAmount),
    numericToCents(await pendingRefundTotal(tx, id)),
  )
  const check = checkRefund(requestedCents, remaining)
  if (!check.ok && check.problem === 'nothing-left') {
    throw new ConflictError('Nothing is left to refund (pending refunds count)', { refundableAmount: 0 })
  }
  if (!check.ok) {
    throw new UnprocessableError('The amount is more than may still be refunded', {
      refundableAmount: check.refundableCents / 100,
    })
  }
  return insertRefund(
    tx,
    {
      id: Bun.randomUUIDv7(),
      paymentId: id,
      amount: centsToNumeric(check.amountCents),
      requestedBy: user.id,
    },
    leaseMs,
  )
}
