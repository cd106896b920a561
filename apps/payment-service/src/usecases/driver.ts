import { numericToCents } from '@careforall/contracts'
import { backoffMs, type Sql, withTransaction } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { contextFromHeaders, withSpan } from '@careforall/otel'
import type { PaymentFact } from '../domain/payment-machine'
import type { CaptureMode, RecoveryPoint } from '../domain/recovery'
import type { Faults } from '../faults'
import type { CallResult, PaymentProvider, ProviderOperation } from '../provider/provider'
import {
  claimDuePayments,
  claimPayment,
  findPayment,
  type PaymentRow,
  recordAnswer,
  requeueSilent,
  scheduleRetry,
} from '../store/payments'
import type { Applier } from './apply-webhooks'
import { inFlight } from './in-flight'
import { recordFact } from './record-fact'

export interface DriverSettings {
  leaseMs: number
  retryBaseMs: number
  captureMode: CaptureMode
  /** A payment waiting this long for a webhook is asked about again (0: never). */
  pollAfterMs?: number
}

/** Provider calls that keep failing are retried at most this far apart. */
export const RETRY_MAX_MS = 60_000

/**
 * Makes the provider calls of brandur's atomic phases. Each call starts from a recovery point a
 * committed transaction left (and claimed with a lease), happens OUTSIDE any transaction with our
 * permanent key, and its answer is recorded by the next atomic phase — only if the payment is
 * still at that point. A crash between the call and the record leaves the recovery point as it
 * was: when the lease runs out the resumer calls again with the same key, the provider answers
 * with the operation it already made, and nothing is charged twice. Fault points sit exactly there.
 */
export function createDriver(deps: {
  sql: Sql
  provider: PaymentProvider
  applier: Applier
  faults: Faults
  logger: Logger
  settings: DriverSettings
}) {
  const { sql, provider, faults, logger, settings } = deps
  const calls = inFlight()

  const failed = async (
    payment: PaymentRow,
    point: RecoveryPoint,
    result: Extract<CallResult, { ok: false }>,
  ) => {
    const delayMs = backoffMs(payment.attempts, settings.retryBaseMs, RETRY_MAX_MS)
    await scheduleRetry(sql, payment.id, point, { delayMs, error: result.error, park: !result.retryable })
    const log = {
      paymentId: payment.id,
      recoveryPoint: point,
      attempts: payment.attempts,
      err: { message: result.error },
    }
    if (result.retryable) logger.warn(log, 'provider call failed; will retry with the same key')
    else logger.error(log, 'provider refused the call; payment needs attention')
  }

  /**
   * The provider answers a call with its operation; it is usually still pending (the webhook
   * brings the outcome), but a repeated call, made because the webhook never came, gets the
   * decided operation: then that answer is the fact, recorded like a webhook (a webhook that does
   * come later changes nothing).
   */
  const recordDecided = async (paymentId: string, step: 'authorize' | 'capture', op: ProviderOperation) => {
    const fact: PaymentFact | undefined =
      op.status === 'succeeded'
        ? step === 'authorize'
          ? { type: 'authorized' }
          : { type: 'captured', amountCents: op.amount }
        : op.status === 'failed'
          ? { type: 'failed', reason: step === 'authorize' ? 'card_declined' : 'capture_failed' }
          : undefined
    if (!fact) return
    const claimed = await withTransaction(sql, async (tx) => {
      const locked = await findPayment(tx, paymentId, true)
      if (!locked) return undefined
      const recorded = await recordFact(
        tx,
        locked,
        fact,
        { kind: 'provider', id: op.id },
        { captureMode: settings.captureMode, leaseMs: settings.leaseMs },
      )
      return recorded.claimed ? recorded.payment : undefined
    })
    if (claimed) void drive(claimed)
  }

  const authorize = async (payment: PaymentRow) => {
    const result = await provider.authorize(payment.idempotencyKey, {
      amountCents: numericToCents(payment.amount),
      paymentMethod: payment.paymentMethod,
      reference: payment.pledgeId,
    })
    faults.hit('after-authorize-call')
    if (!result.ok) return failed(payment, 'authorize', result)
    const transactionId = result.operation.providerTransactionId
    if (await recordAnswer(sql, payment.id, 'authorize', 'awaiting_authorization', transactionId)) {
      // Its webhook may have come first and been stored without a payment to apply to.
      for (const claimed of await deps.applier.applyPendingFor(provider.name, transactionId))
        void drive(claimed)
      await recordDecided(payment.id, 'authorize', result.operation)
    }
  }

  const capture = async (payment: PaymentRow) => {
    const result = await provider.capture(`capture:${payment.id}`, {
      transactionId: payment.providerTransactionId!,
      amountCents: numericToCents(payment.amount),
    })
    faults.hit('after-capture-call')
    if (!result.ok) return failed(payment, 'capture', result)
    if (await recordAnswer(sql, payment.id, 'capture', 'awaiting_capture_result')) {
      await recordDecided(payment.id, 'capture', result.operation)
    }
  }

  /** The expiry sweeper's void: decided on the spot by the provider, so its answer is the fact. */
  const voidHold = async (payment: PaymentRow) => {
    const result = await provider.voidAuthorization(`void:${payment.id}`, payment.providerTransactionId!)
    faults.hit('after-void-call')
    if (!result.ok && result.code === 'already_captured') {
      // Captured after all: its webhook will tell us.
      await recordAnswer(sql, payment.id, 'void', 'awaiting_capture_result')
      return
    }
    if (!result.ok) return failed(payment, 'void', result)
    await withTransaction(sql, async (tx) => {
      const locked = await findPayment(tx, payment.id, true)
      if (locked?.recoveryPoint !== 'void') return
      await recordFact(
        tx,
        locked,
        { type: 'failed', reason: 'authorization_expired' },
        { kind: 'sweeper', id: `void:${result.operation.id}` },
        { captureMode: settings.captureMode, leaseMs: settings.leaseMs },
      )
    })
  }

  const steps: Partial<Record<RecoveryPoint, (payment: PaymentRow) => Promise<void>>> = {
    authorize,
    capture,
    void: voidHold,
  }

  /** Drives one payment the caller has claimed, in the trace of the donation that created it. */
  const drive = (payment: PaymentRow): Promise<void> => {
    const step = steps[payment.recoveryPoint]
    if (!step) return Promise.resolve()
    const run = withSpan(
      `payment.${payment.recoveryPoint}`,
      {
        attributes: { 'payment.id': payment.id, 'payment.attempt': payment.attempts },
        parent: contextFromHeaders(payment.traceHeaders),
      },
      () => step(payment),
    ).catch((error: unknown) =>
      logger.error({ err: error, paymentId: payment.id }, 'driving a payment failed; the resumer retries'),
    )
    return calls.track(run)
  }

  return {
    drive,
    /** Claims a payment by id (if its call is due and nobody holds it) and drives it. */
    kick: async (id: string) => {
      const claimed = await claimPayment(sql, id, settings.leaseMs)
      if (claimed) await drive(claimed)
    },
    /** The resumer: payments stuck at a recovery point whose lease ran out, or due again. */
    round: async (): Promise<boolean> => {
      if (settings.pollAfterMs) {
        const silent = await requeueSilent(sql, settings.pollAfterMs)
        if (silent > 0) logger.warn({ payments: silent }, 'no webhook came; asking the provider again')
      }
      const payments = await claimDuePayments(sql, 50, settings.leaseMs)
      if (payments.length > 0)
        logger.info({ payments: payments.length }, 'resuming payments from recovery points')
      await Promise.all(payments.map(drive))
      return payments.length === 50
    },
    /** Resolves once no provider call started here is still running. */
    idle: calls.idle,
  }
}

export type Driver = ReturnType<typeof createDriver>
