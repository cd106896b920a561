import { IdempotencyKeyHeader, jsonContent, problemResponses } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'

const tags = ['sandbox']
const security = [{ sandboxKey: [] }]
const json = jsonContent
const Cents = z.number().int().positive().max(999_999_999_999)
const TransactionId = z.string().min(1).max(64).openapi({ example: 'txn_0193a1b2c3d47e8f9a0b1c2d3e4f5a6b' })

export const Operation = z
  .object({
    id: z.string(),
    object: z.enum(['authorization', 'capture', 'refund', 'void']),
    providerTransactionId: z.string(),
    amount: z.number().int().openapi({ description: 'Cents' }),
    currency: z.literal('USD'),
    status: z.enum(['pending', 'succeeded', 'failed', 'voided']),
    failureReason: z.string().nullable(),
    reference: z.string().nullable(),
    paymentMethod: z.string().nullable(),
    createdAt: z.string(),
    decidedAt: z.string().nullable(),
  })
  .openapi('SandboxOperation')

const accepted = {
  202: {
    description:
      'Accepted; the result arrives as a signed webhook (a replayed key answers the same operation)',
    content: json(Operation),
  },
  400: problemResponses[400],
  401: problemResponses[401],
  404: problemResponses[404],
  409: problemResponses[409],
  422: problemResponses[422],
}

export const authorize = createRoute({
  method: 'post',
  path: '/sandbox/v1/authorizations',
  tags,
  security,
  summary: 'Authorize (hold) an amount on a payment method',
  description:
    '`pm_ok` authorizes and captures; `pm_decline` is declined; `pm_capture_fail` authorizes, then its capture fails.',
  request: {
    headers: IdempotencyKeyHeader,
    body: {
      required: true,
      content: json(
        z.strictObject({
          amount: Cents.openapi({ example: 2550 }),
          currency: z.literal('USD'),
          paymentMethod: z.string().min(1).max(64).openapi({ example: 'pm_ok' }),
          reference: z
            .string()
            .min(1)
            .max(255)
            .optional()
            .openapi({ description: "The merchant's reference" }),
        }),
      ),
    },
  },
  responses: accepted,
})

const FollowUp = z.strictObject({
  providerTransactionId: TransactionId,
  amount: Cents.optional().openapi({ description: 'Cents; all that is possible when omitted' }),
})

export const capture = createRoute({
  method: 'post',
  path: '/sandbox/v1/captures',
  tags,
  security,
  summary: 'Capture an authorization',
  request: { headers: IdempotencyKeyHeader, body: { required: true, content: json(FollowUp) } },
  responses: accepted,
})

export const refund = createRoute({
  method: 'post',
  path: '/sandbox/v1/refunds',
  tags,
  security,
  summary: 'Refund (part of) a capture',
  request: { headers: IdempotencyKeyHeader, body: { required: true, content: json(FollowUp) } },
  responses: accepted,
})

export const voidAuthorization = createRoute({
  method: 'post',
  path: '/sandbox/v1/authorizations/{id}/void',
  tags,
  security,
  summary: 'Release an uncaptured authorization (decided at once)',
  request: { headers: IdempotencyKeyHeader, params: z.object({ id: TransactionId }) },
  responses: { ...accepted, 200: { description: 'Voided', content: json(Operation) } },
})

const getOne = (path: string, summary: string) =>
  createRoute({
    method: 'get',
    path,
    tags,
    security,
    summary,
    request: { params: z.object({ id: z.string().min(1).max(64) }) },
    responses: {
      200: { description: 'The operation', content: json(Operation) },
      401: problemResponses[401],
      404: problemResponses[404],
    },
  })

export const getAuthorization = getOne('/sandbox/v1/authorizations/{id}', 'One authorization')
export const getCapture = getOne('/sandbox/v1/captures/{id}', 'One capture')
export const getRefund = getOne('/sandbox/v1/refunds/{id}', 'One refund')

export type AuthorizeRoute = typeof authorize
export type CaptureRoute = typeof capture
export type RefundRoute = typeof refund
export type VoidRoute = typeof voidAuthorization
export type GetOneRoute = typeof getAuthorization
