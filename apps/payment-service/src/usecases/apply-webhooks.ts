import { backoffMs, type Sql, type TransactionSql, withTransaction } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { contextFromHeaders, linksFromHeaders, tracer } from '@careforall/otel'
import { SpanKind } from '@opentelemetry/api'
import type { FailureReason, PaymentFact } from '../domain/payment-machine'
import type { CaptureMode } from '../domain/recovery'
import { findByTransaction, type PaymentRow } from '../store/payments'
import { findRefundByProviderId } from '../store/refunds'
import {
  claimWebhook,
  dueWebhooks,
  markApplied,
  postpone,
  unappliedFor,
  type WebhookRow,
} from '../store/webhooks'
import { recordFact } from './record-fact'

/** After this many tries a webhook naming a transaction we never made is put aside (`unmatched`). */
const MAX_UNMATCHED_ATTEMPTS = 50

export interface Applier {
  /**
   * Applies one stored webhook; safe to call any number of times, from anywhere. The webhook's
   * provider transaction id, when the caller has it, lets both row locks go out in one round trip.
   * Resolves with the payment whose next provider call applying it claimed (the capture after an
   * authorization), for the caller to make after the commit.
   */
  apply(provider: string, id: string, transactionId?: string): Promise<PaymentRow | undefined>
  /** Applies what was stored for a transaction before we knew its id (called once we record it). */
  applyPendingFor(provider: string, transactionId: string): Promise<PaymentRow[]>
  /** The worker's round: stored webhooks that are due (new, or postponed). */
  round(): Promise<{ more: boolean; claimed: PaymentRow[] }>
}

/**
 * Applies stored webhooks to payments, each in one transaction: the webhook row is locked (SKIP
 * LOCKED: one applier per row), the payment found by the provider's transaction id and locked,
 * the fact run through the state machine, and the row marked applied — so a webhook applies
 * exactly once however many copies arrived, and a crash before commit leaves it to the worker.
 * A webhook that arrives before we recorded the provider's id for it (the provider answered faster
 * than our commit) is postponed and retried. The apply span continues the payment's own trace.
 */
export function createApplier(deps: {
  sql: Sql
  logger: Logger
  captureMode: CaptureMode
  leaseMs: number
}): Applier {
  const { sql, logger } = deps

  const factOf = async (tx: TransactionSql, hook: WebhookRow): Promise<PaymentFact | 'not-yet'> => {
    const amountCents = Number(hook.payload.data.amount)
    switch (hook.type) {
      case 'payment.authorized':
        return { type: 'authorized' }
      case 'payment.captured':
        return { type: 'captured', amountCents }
      case 'payment.failed':
        return { type: 'failed', reason: hook.payload.data.reason as FailureReason }
      default: {
        const refund = hook.providerRefundId
          ? await findRefundByProviderId(tx, hook.providerRefundId)
          : undefined
        return refund ? { type: 'refunded', refundId: refund.id, amountCents } : 'not-yet'
      }
    }
  }

  const later = async (tx: TransactionSql, hook: WebhookRow, reason: string) => {
    if (hook.attempts + 1 >= MAX_UNMATCHED_ATTEMPTS) {
      logger.error({ webhookId: hook.id, reason }, 'webhook never matched a payment; put aside')
      await markApplied(tx, hook.provider, hook.id, 'unmatched', null)
    } else {
      await postpone(tx, hook.provider, hook.id, backoffMs(hook.attempts + 1, 100, 30_000), reason)
    }
  }

  const apply = async (provider: string, id: string, transactionId?: string) => {
    const claimed = await withTransaction(
      sql,
      async (tx) => {
        // One round trip, run in order: the webhook row (SKIP LOCKED: never waits), then the
        // payment by its transaction id (waits for whoever holds it, as before). The lock order
        // stays webhook → payment; the payment is locked even when the webhook turns out to be
        // applied already, which only happens to a worker retry or a racing duplicate.
        const [hook, guessed] = await Promise.all([
          claimWebhook(tx, provider, id),
          transactionId ? findByTransaction(tx, provider, transactionId) : undefined,
        ])
        if (!hook) return undefined
        const payment =
          transactionId === hook.providerTransactionId
            ? guessed
            : await findByTransaction(tx, provider, hook.providerTransactionId)
        if (!payment) return void (await later(tx, hook, 'no payment with this provider transaction yet'))
        return tracer.startActiveSpan(
          'payment.webhook.apply',
          {
            kind: SpanKind.INTERNAL,
            attributes: { 'payment.id': payment.id, 'webhook.id': hook.id, 'webhook.type': hook.type },
            links: linksFromHeaders(hook.receiptTraceHeaders),
          },
          contextFromHeaders(payment.traceHeaders),
          async (span) => {
            try {
              const fact = await factOf(tx, hook)
              if (fact === 'not-yet')
                return void (await later(tx, hook, 'no refund with this provider refund id yet'))
              let outcome: 'applied' | 'no-op' = 'no-op'
              const recorded = await recordFact(
                tx,
                payment,
                fact,
                { kind: 'webhook', id: hook.id },
                deps,
                (changed) => {
                  outcome = changed ? 'applied' : 'no-op'
                  return markApplied(tx, provider, hook.id, outcome, payment.id)
                },
              )
              span.setAttribute('webhook.outcome', outcome)
              return recorded.claimed ? recorded.payment : undefined
            } finally {
              span.end()
            }
          },
        )
      },
      { name: 'payment.webhook.apply' },
    )
    return claimed ?? undefined
  }

  return {
    apply,
    applyPendingFor: async (provider, transactionId) => {
      const claimed: PaymentRow[] = []
      for (const hook of await unappliedFor(sql, provider, transactionId)) {
        const payment = await apply(hook.provider, hook.id, transactionId)
        if (payment) claimed.push(payment)
      }
      return claimed
    },
    round: async () => {
      const due = await dueWebhooks(sql, 50)
      const claimed: PaymentRow[] = []
      for (const hook of due) {
        const payment = await apply(hook.provider, hook.id, hook.providerTransactionId).catch(
          (error: unknown) => {
            logger.error({ err: error, webhookId: hook.id }, 'applying a webhook failed; will retry')
            return undefined
          },
        )
        if (payment) claimed.push(payment)
      }
      return { more: due.length === 50, claimed }
    },
  }
}
