import { problemResponses } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'

/**
 * PINNED: the totals service's reconciliation is built against this exact shape. Change it only
 * together with the totals service.
 */
export const PaymentSummaryItem = z
  .object({
    paymentId: z.uuid(),
    campaignId: z.uuid(),
    donorKey: z.string(),
    capturedCents: z.number().int().nonnegative(),
    refundedCents: z.number().int().nonnegative(),
    /** When the capture was recorded: the day the totals' statistics count it on. */
    capturedAt: z.iso.datetime({ offset: true }).nullable(),
    /**
     * The succeeded refunds in `refundedCents`, by id: a rebuild records them as counted, so a
     * refund event still on its way afterwards is not counted a second time.
     */
    refunds: z.array(
      z.object({
        refundId: z.uuid(),
        amountCents: z.number().int().positive(),
        refundedAt: z.iso.datetime({ offset: true }),
      }),
    ),
  })
  .openapi('PaymentSummaryItem')

export const summary = createRoute({
  method: 'get',
  path: '/internal/payments/summary',
  tags: ['internal'],
  summary: 'Captured and refunded cents per payment, for the totals reconciliation (internal secret)',
  description:
    'Every payment that was captured, ordered by payment id, keyset-paged (`nextCursor` is null on the last page).',
  request: {
    query: z.object({
      campaignId: z.uuid().optional(),
      limit: z.coerce.number().int().min(1).max(1000).default(1000),
      cursor: z.string().max(64).optional(),
    }),
  },
  responses: {
    200: {
      description: 'A page',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(PaymentSummaryItem), nextCursor: z.string().nullable() }),
        },
      },
    },
    400: problemResponses[400],
    403: problemResponses[403],
  },
})

export type SummaryRoute = typeof summary
