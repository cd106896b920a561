import type { TransactionSql } from '@careforall/db'
import { type AuthUser, ConflictError, isAdminOr, NotFoundError } from '@careforall/http'
import { findPayment, type PaymentRow, requestCapture } from '../store/payments'

/** Admins see every payment; a campaign's owner sees (and may refund) the payments to it. */
export function canManage(user: AuthUser, payment: PaymentRow): boolean {
  return isAdminOr(user, payment.campaignOwnerId)
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
