import { PageQuery, page, RefundRequest } from '@careforall/contracts'
import { IdempotencyKeyHeader, jsonContent, problemResponses, Security } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'
import { PAYMENT_STATUSES } from '../../domain/payment-machine'
import { RECOVERY_POINTS } from '../../domain/recovery'

const tags = ['payments']
const json = jsonContent
const Params = z.object({ id: z.uuid() })
const Status = z.enum(PAYMENT_STATUSES)

export const Payment = z
  .object({
    id: z.uuid(),
    pledgeId: z.uuid(),
    campaignId: z.uuid(),
    campaignOwnerId: z.uuid(),
    donorKey: z.string(),
    amount: z.number(),
    capturedAmount: z.number(),
    refundedAmount: z.number(),
    currency: z.literal('USD'),
    paymentMethod: z.string(),
    status: Status,
    failureReason: z.string().nullable(),
    provider: z.string(),
    providerTransactionId: z.string().nullable(),
    recoveryPoint: z.string().openapi({
      description:
        'Where the provider workflow stands: authorize, awaiting_authorization, awaiting_capture, capture, awaiting_capture_result, void, finished, needs_attention',
    }),
    lastError: z.string().nullable(),
    authorizedAt: z.string().nullable(),
    capturedAt: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Payment')

export const Refund = z
  .object({
    id: z.uuid(),
    paymentId: z.uuid(),
    amount: z.number(),
    status: z.enum(['PENDING', 'SUCCEEDED', 'FAILED']),
    providerRefundId: z.string().nullable(),
    requestedBy: z.uuid(),
    lastError: z.string().nullable(),
    createdAt: z.string(),
    completedAt: z.string().nullable(),
  })
  .openapi('Refund')

const HistoryEntry = z.object({
  from: Status.nullable(),
  to: Status,
  event: z.string().nullable(),
  amount: z.number().nullable(),
  refundId: z.uuid().nullable(),
  reason: z.string().nullable(),
  causeKind: z.enum(['event', 'webhook', 'sweeper', 'provider']),
  causeId: z.string().openapi({ description: 'The event or webhook id that caused the change' }),
  at: z.string(),
})

export const PaymentDetail = Payment.extend({
  history: z.array(HistoryEntry),
  refunds: z.array(Refund),
}).openapi('PaymentDetail')

export const list = createRoute({
  method: 'get',
  path: '/api/payments',
  tags,
  security: Security.admin,
  summary: 'Payments, newest first (admin)',
  description:
    '`recoveryPoint=needs_attention` lists the payments the provider refused outright (their `lastError` says why): they wait for an operator.',
  request: {
    query: PageQuery.extend({
      pledgeId: z.uuid().optional(),
      status: Status.optional(),
      recoveryPoint: z.enum(RECOVERY_POINTS).optional(),
    }),
  },
  responses: {
    200: { description: 'A page of payments', content: json(page(Payment)) },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
  },
})

export const get = createRoute({
  method: 'get',
  path: '/api/payments/{id}',
  tags,
  security: Security.user,
  summary: 'One payment with its history and refunds (admin, or the campaign owner)',
  request: { params: Params },
  responses: {
    200: { description: 'The payment', content: json(PaymentDetail) },
    400: problemResponses[400],
    401: problemResponses[401],
    404: problemResponses[404],
  },
})

export const capture = createRoute({
  method: 'post',
  path: '/api/payments/{id}/capture',
  tags,
  security: Security.admin,
  summary: 'Capture an authorized payment (admin; CAPTURE_MODE=manual)',
  description:
    'Accepted at once; the payment becomes CAPTURED when the provider confirms. (I): Idempotency-Key required.',
  request: { params: Params, headers: IdempotencyKeyHeader },
  responses: {
    202: { description: 'Capture requested', content: json(Payment) },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
    404: problemResponses[404],
    409: problemResponses[409],
    422: problemResponses[422],
  },
})

export const refund = createRoute({
  method: 'post',
  path: '/api/payments/{id}/refund',
  tags,
  security: Security.user,
  summary: 'Refund a captured payment, partly or all that remains (admin, or the campaign owner)',
  description:
    'Accepted at once (the refund is PENDING until the provider confirms). More than remains (captured − refunded − pending) is a 422; nothing left is a 409. (I): Idempotency-Key required.',
  request: {
    params: Params,
    headers: IdempotencyKeyHeader,
    body: {
      required: false,
      content: json(RefundRequest),
    },
  },
  responses: {
    202: { description: 'Refund requested', content: json(Refund) },
    400: problemResponses[400],
    401: problemResponses[401],
    404: problemResponses[404],
    409: problemResponses[409],
    422: problemResponses[422],
  },
})

const WebhookDelivery = z
  .object({
    id: z.string(),
    provider: z.string(),
    type: z.string(),
    providerTransactionId: z.string(),
    providerRefundId: z.string().nullable(),
    deliveries: z
      .number()
      .int()
      .openapi({ description: 'Copies received (duplicates counted, applied once)' }),
    outcome: z.enum(['applied', 'no-op', 'unmatched']).nullable(),
    appliedAt: z.string().nullable(),
    lastError: z.string().nullable(),
    firstReceivedAt: z.string(),
    lastReceivedAt: z.string(),
    payload: z.record(z.string(), z.unknown()),
  })
  .openapi('WebhookDelivery')

export const webhooks = createRoute({
  method: 'get',
  path: '/api/payments/{id}/webhooks',
  tags,
  security: Security.admin,
  summary: "The provider's webhooks received for a payment (admin)",
  request: { params: Params },
  responses: {
    200: { description: 'Oldest first', content: json(z.object({ items: z.array(WebhookDelivery) })) },
    401: problemResponses[401],
    403: problemResponses[403],
    404: problemResponses[404],
  },
})

export type ListRoute = typeof list
export type GetRoute = typeof get
export type CaptureRoute = typeof capture
export type RefundRoute = typeof refund
export type WebhooksRoute = typeof webhooks
