import { PAYMENT_SUMMARY_PATH, PaymentSummaryPage, PaymentSummaryQuery } from '@careforall/contracts'
import { problemResponses, Security } from '@careforall/http'
import { createRoute } from '@hono/zod-openapi'

export const summary = createRoute({
  method: 'get',
  path: PAYMENT_SUMMARY_PATH,
  tags: ['internal'],
  security: Security.internal,
  summary: 'Captured and refunded cents per payment, for the totals reconciliation (internal secret)',
  description:
    'Every payment that was captured, ordered by payment id, keyset-paged (`nextCursor` is null on the last page).',
  // The totals service parses the answer with the same schemas (@careforall/contracts).
  request: { query: PaymentSummaryQuery },
  responses: {
    200: { description: 'A page', content: { 'application/json': { schema: PaymentSummaryPage } } },
    400: problemResponses[400],
    403: problemResponses[403],
  },
})

export type SummaryRoute = typeof summary
