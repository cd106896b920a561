import { numericToCents } from '@careforall/contracts'
import type { HistoryRow } from '../../store/history'
import type { PaymentRow } from '../../store/payments'
import type { RefundRow } from '../../store/refunds'
import type { WebhookRow } from '../../store/webhooks'

/** NUMERIC(12,2) text → the API's JSON number (exact for 2 decimals). */
const money = (value: string) => numericToCents(value) / 100
const iso = (value: Date | null) => value?.toISOString() ?? null

export function toPayment(row: PaymentRow) {
  return {
    id: row.id,
    pledgeId: row.pledgeId,
    campaignId: row.campaignId,
    campaignOwnerId: row.campaignOwnerId,
    donorKey: row.donorKey,
    amount: money(row.amount),
    capturedAmount: money(row.capturedAmount),
    refundedAmount: money(row.refundedAmount),
    currency: 'USD' as const,
    paymentMethod: row.paymentMethod,
    status: row.status,
    failureReason: row.failureReason,
    provider: row.provider,
    providerTransactionId: row.providerTransactionId,
    recoveryPoint: row.recoveryPoint,
    lastError: row.lastError,
    authorizedAt: iso(row.authorizedAt),
    capturedAt: iso(row.capturedAt),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function toRefund(row: RefundRow) {
  return {
    id: row.id,
    paymentId: row.paymentId,
    amount: money(row.amount),
    status: row.status,
    providerRefundId: row.providerRefundId,
    requestedBy: row.requestedBy,
    lastError: row.lastError,
    createdAt: row.createdAt.toISOString(),
    completedAt: iso(row.completedAt),
  }
}

export function toHistory(row: HistoryRow) {
  return {
    from: row.fromStatus,
    to: row.toStatus,
    event: row.eventType,
    amount: row.amount === null ? null : money(row.amount),
    refundId: row.refundId,
    reason: row.reason,
    causeKind: row.causeKind,
    causeId: row.causeId,
    at: row.at.toISOString(),
  }
}

export function toWebhook(row: WebhookRow) {
  return {
    id: row.id,
    provider: row.provider,
    type: row.type,
    providerTransactionId: row.providerTransactionId,
    providerRefundId: row.providerRefundId,
    deliveries: row.deliveries,
    outcome: row.outcome,
    appliedAt: iso(row.appliedAt),
    lastError: row.lastError,
    firstReceivedAt: row.firstReceivedAt.toISOString(),
    lastReceivedAt: row.lastReceivedAt.toISOString(),
    payload: row.payload as unknown as Record<string, unknown>,
  }
}
