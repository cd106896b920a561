import { type RefundRequest, toCents } from '@careforall/contracts'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import { pledgeKeys } from './pledges'
import type { Page, Payment, PaymentDetail, PaymentStatus, Refund, WebhookDelivery } from './types'

export const PAYMENT_STATUSES = [
  'PENDING',
  'AUTHORIZED',
  'CAPTURED',
  'REFUNDED',
  'FAILED',
] as const satisfies readonly PaymentStatus[]

/** Where a payment's provider workflow stands (the payment service's recovery points). */
export const RECOVERY_POINTS = [
  'authorize',
  'awaiting_authorization',
  'awaiting_capture',
  'capture',
  'awaiting_capture_result',
  'void',
  'finished',
  'needs_attention',
] as const
export type RecoveryPoint = (typeof RECOVERY_POINTS)[number]

const PAGE_SIZE = 20

export interface PaymentQuery {
  status?: PaymentStatus | undefined
  pledgeId?: string | undefined
  recoveryPoint?: RecoveryPoint | undefined
}

export const paymentKeys = {
  all: ['payments'] as const,
  list: (filters: PaymentQuery, cursor: string | undefined) =>
    [...paymentKeys.all, 'list', filters, cursor ?? null] as const,
  detail: (id: string) => [...paymentKeys.all, 'detail', id] as const,
  webhooks: (id: string) => [...paymentKeys.all, 'webhooks', id] as const,
}

export function usePayments(
  filters: PaymentQuery,
  cursor: string | undefined,
  options: { enabled?: boolean; refetchInterval?: number | false } = {},
) {
  return useQuery({
    queryKey: paymentKeys.list(filters, cursor),
    queryFn: ({ signal }) =>
      api<Page<Payment>>('/api/payments', { query: { ...filters, limit: PAGE_SIZE, cursor }, signal }),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
    refetchInterval: options.refetchInterval ?? false,
  })
}

/** A payment with its status history and refunds. */
export function usePayment(id: string | undefined, refetchInterval: number | false = false) {
  return useQuery({
    queryKey: paymentKeys.detail(id ?? ''),
    queryFn: ({ signal }) => api<PaymentDetail>(`/api/payments/${encodeURIComponent(id!)}`, { signal }),
    enabled: Boolean(id),
    refetchInterval,
  })
}

/** The provider's webhooks received for a payment, oldest first, duplicates counted. */
export function useWebhooks(id: string | undefined, refetchInterval: number | false = false) {
  return useQuery({
    queryKey: paymentKeys.webhooks(id ?? ''),
    queryFn: ({ signal }) =>
      api<{ items: WebhookDelivery[] }>(`/api/payments/${encodeURIComponent(id!)}/webhooks`, { signal }),
    enabled: Boolean(id),
    refetchInterval,
  })
}

function useInvalidateMoney() {
  const queryClient = useQueryClient()
  return () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: paymentKeys.all }),
      queryClient.invalidateQueries({ queryKey: pledgeKeys.all }),
    ])
}

/** `POST /api/payments/{id}/capture` (manual capture mode), under the action's idempotency key. */
export function useCapture(paymentId: string) {
  const invalidate = useInvalidateMoney()
  return useMutation({
    mutationFn: (idempotencyKey: string) =>
      api<Payment>(`/api/payments/${encodeURIComponent(paymentId)}/capture`, {
        method: 'POST',
        idempotencyKey,
      }),
    onSuccess: invalidate,
  })
}

/** `POST /api/payments/{id}/refund`: no amount refunds all that remains. */
export function useRefund(paymentId: string) {
  const invalidate = useInvalidateMoney()
  return useMutation({
    mutationFn: ({ body, idempotencyKey }: { body: RefundRequest; idempotencyKey: string }) =>
      api<Refund>(`/api/payments/${encodeURIComponent(paymentId)}/refund`, {
        method: 'POST',
        body,
        idempotencyKey,
      }),
    onSuccess: invalidate,
  })
}

/** What may still be refunded, in cents, as the API counts it: captured − refunded − pending refunds. */
export function refundableCents(payment: PaymentDetail): number {
  const pending = payment.refunds
    .filter((refund) => refund.status === 'PENDING')
    .reduce((sum, refund) => sum + toCents(refund.amount), 0)
  return Math.max(0, toCents(payment.capturedAmount) - toCents(payment.refundedAmount) - pending)
}

/**
 * Whether the platform is still working on the payment (a refund waiting for the provider, or a
 * provider call or webhook due), so the page polls. A payment waiting for an admin's capture, or
 * parked for an operator, is not going to move by itself.
 */
export function isSettling(payment: PaymentDetail): boolean {
  const resting: readonly string[] = ['finished', 'awaiting_capture', 'needs_attention']
  return (
    payment.refunds.some((refund) => refund.status === 'PENDING') || !resting.includes(payment.recoveryPoint)
  )
}
