import { centsToNumeric, numericToCents } from '@careforall/contracts'
import { backoffMs, type Sql, type TransactionSql } from '@careforall/db'
import { type AuthUser, ConflictError, NotFoundError, UnprocessableError } from '@careforall/http'
import type { Logger } from '@careforall/logger'
import { checkRefund, refundableCents } from '../domain/refunds'
import type { Faults } from '../faults'
import type { PaymentProvider } from '../provider/provider'
import { findPayment, type PaymentRow } from '../store/payments'
import {
  claimDueRefunds,
  failRefund,
  insertRefund,
  pendingRefundTotal,
  type RefundRow,
  recordRefundAnswer,
  scheduleRefundRetry,
} from '../store/refunds'
import type { Applier } from './apply-webhooks'
import { canManage } from './capture'
import { type DriverSettings, RETRY_MAX_MS } from './driver'
import { inFlight } from './in-flight'

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

/**
 * Makes the provider's refund calls, each from its `refund` recovery point (claimed with a lease),
 * outside any transaction and with the refund's permanent key, like the payment driver: a crash
 * after the call only repeats it with the same key, and the provider answers with the refund it
 * already made. The outcome comes by webhook; one that came before we recorded the provider's
 * refund id is applied once we have it.
 */
export function createRefunds(deps: {
  sql: Sql
  provider: PaymentProvider
  applier: Applier
  faults: Faults
  logger: Logger
  settings: Pick<DriverSettings, 'leaseMs' | 'retryBaseMs'>
  /** Makes the provider call that applying a webhook claimed (the payment driver's `drive`). */
  drivePayment: (payment: PaymentRow) => unknown
}) {
  const { sql, provider, faults, logger, settings } = deps
  const calls = inFlight()

  const call = async (refund: RefundRow) => {
    const payment = await findPayment(sql, refund.paymentId)
    if (!payment?.providerTransactionId) return
    const result = await provider.refund(refund.idempotencyKey, {
      transactionId: payment.providerTransactionId,
      amountCents: numericToCents(refund.amount),
    })
    faults.hit('after-refund-call')
    if (result.ok) {
      if (await recordRefundAnswer(sql, refund.id, result.operation.id)) {
        const claimed = await deps.applier.applyPendingFor(provider.name, payment.providerTransactionId)
        for (const next of claimed) deps.drivePayment(next)
      }
    } else if (result.retryable) {
      const delayMs = backoffMs(refund.attempts, settings.retryBaseMs, RETRY_MAX_MS)
      await scheduleRefundRetry(sql, refund.id, delayMs, result.error)
    } else {
      logger.error({ refundId: refund.id, err: { message: result.error } }, 'provider refused the refund')
      await failRefund(sql, refund.id, result.error)
    }
  }

  /** Drives one refund the caller has claimed (its request, or the resumer). */
  const drive = (refund: RefundRow): Promise<void> => {
    const run = call(refund).catch((error: unknown) =>
      logger.error({ err: error, refundId: refund.id }, 'driving a refund failed'),
    )
    return calls.track(run)
  }

  return {
    drive,
    /** The resumer: refunds whose lease ran out or whose retry is due. */
    round: async (): Promise<boolean> => {
      const refunds = await claimDueRefunds(sql, 50, settings.leaseMs)
      if (refunds.length > 0)
        logger.info({ refunds: refunds.length }, 'resuming refunds from recovery points')
      await Promise.all(refunds.map(drive))
      return refunds.length === 50
    },
    /** Resolves once no refund call started here is still running. */
    idle: calls.idle,
  }
}

export type Refunds = ReturnType<typeof createRefunds>
