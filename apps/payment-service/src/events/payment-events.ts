import { centsToNumeric, type Events } from '@careforall/contracts'
import type { TransactionSql } from '@careforall/db'
import { publish } from '@careforall/messaging'
import type { Transition } from '../domain/payment-machine'
import { type Cause, insertHistory } from '../store/history'
import type { PaymentRow } from '../store/payments'

export const SOURCE = 'payment-service'

type PaymentEvent = (typeof Events)[
  | 'PaymentAuthorized'
  | 'PaymentCaptured'
  | 'PaymentFailed'
  | 'PaymentRefunded']

/**
 * Records one transition: its history row (with what caused it) and its event in the outbox, in
 * the caller's transaction. The history's partial unique indexes refuse a second
 * authorized/captured/failed for a payment or a second row for a refund, so even a bug upstream
 * cannot publish an event twice.
 */
export async function recordTransition(
  tx: TransactionSql,
  payment: PaymentRow,
  t: Transition,
  cause: Cause,
  /** Who asked for the refund this transition counts (read by the caller beforehand). */
  refunder?: string,
): Promise<void> {
  // Both rows go out at once, nothing read in between: the caller may queue more behind them.
  const actorId = t.event === 'payment.refunded' ? refunder : actorOf(payment, t)
  await Promise.all([
    insertHistory(tx, {
      paymentId: payment.id,
      fromStatus: t.from,
      toStatus: t.to,
      eventType: t.event,
      amount: centsToNumeric(t.amountCents),
      refundId: t.refundId,
      reason: t.reason,
      cause,
    }),
    publish(tx, SOURCE, {
      type: t.event as PaymentEvent,
      aggregate: 'payment',
      aggregateId: payment.id,
      subject: payment.id,
      data: {
        paymentId: payment.id,
        pledgeId: payment.pledgeId,
        campaignId: payment.campaignId,
        donorKey: payment.donorKey,
        amountCents: t.amountCents,
        providerTransactionId: payment.providerTransactionId!,
        ...(t.refundId ? { refundId: t.refundId } : {}),
        ...(t.reason ? { reason: t.reason } : {}),
        ...(actorId ? { actorId } : {}),
      },
    }),
  ])
}

/** The admin who asked for a capture, for the audit log; none for what runs by itself. */
function actorOf(payment: PaymentRow, t: Transition): string | undefined {
  return t.event === 'payment.captured' ? (payment.captureRequestedBy ?? undefined) : undefined
}
