import { problemResponses } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'

export const receive = createRoute({
  method: 'post',
  path: '/api/payments/webhooks/{provider}',
  tags: ['webhooks'],
  summary: "A payment provider's webhook (no token: the signature is checked on the raw body)",
  description: [
    'Sandbox: `X-Sandbox-Signature: t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>` (several `v1` accepted),',
    'at most 5 minutes old or ahead. Body `{id, type, created, data: {providerTransactionId, providerRefundId?, amount, reason?}}`.',
    'A verified webhook is stored once per `id` and answered 200 at once; it is applied from the stored row.',
    'A rejected one changes nothing.',
  ].join(' '),
  request: {
    params: z.object({ provider: z.string().min(1).max(50).openapi({ example: 'sandbox' }) }),
  },
  responses: {
    200: {
      description: 'Received (a duplicate id is acknowledged too, and applied only once)',
      content: {
        'application/json': { schema: z.object({ received: z.literal(true), duplicate: z.boolean() }) },
      },
    },
    400: problemResponses[400],
    404: problemResponses[404],
  },
})

/** The sandbox webhook body, as DESIGN.md pins it (money in integer cents). */
export const SandboxWebhook = z.object({
  id: z.string().min(1).max(255),
  type: z.enum(['payment.authorized', 'payment.captured', 'payment.failed', 'payment.refunded']),
  created: z.number().int(),
  data: z.object({
    providerTransactionId: z.string().min(1).max(255),
    providerRefundId: z.string().min(1).max(255).optional(),
    amount: z.number().int().nonnegative(),
    reason: z.enum(['card_declined', 'capture_failed', 'authorization_expired']).optional(),
  }),
})

export type ReceiveRoute = typeof receive
