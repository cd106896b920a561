import { problemResponses, Security } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'
import { isDay, MAX_RANGE_DAYS } from '../../domain/days'

const Day = z.string().refine(isDay, { message: 'a day written YYYY-MM-DD' })

const StatsQuery = z.object({
  from: Day.optional().openapi({
    example: '2026-11-01',
    description: 'First day (UTC), included; default: to − 29',
  }),
  to: Day.optional().openapi({
    example: '2026-11-30',
    description: 'Last day (UTC), included; default: today',
  }),
  bucket: z.enum(['day']).default('day').openapi({ description: 'Bucket size; only `day` so far' }),
})

const DayBucket = z.object({
  day: z.string().openapi({ example: '2026-11-25' }),
  capturedAmount: z.number().openapi({ example: 1520, description: 'USD captured that day' }),
  refundedAmount: z.number().openapi({ example: 20, description: 'USD refunded that day' }),
  netAmount: z
    .number()
    .openapi({ example: 1500, description: 'Captured − refunded; negative on a day of refunds' }),
  pledgesCaptured: z.number().int().openapi({ example: 31 }),
  refunds: z.number().int().openapi({ example: 1 }),
})

export const PaymentStats = z
  .object({
    bucket: z.literal('day'),
    from: z.string(),
    to: z.string(),
    items: z
      .array(DayBucket)
      .openapi({ description: 'One bucket per day of the range, quiet days included' }),
  })
  .openapi('PaymentStats')

export const stats = createRoute({
  method: 'get',
  path: '/api/totals/stats',
  tags: ['totals'],
  security: Security.admin,
  summary: 'Captures and refunds per day, for the admin panel (admin)',
  description:
    `Every campaign together, by the UTC day the payment service recorded each capture or refund. ` +
    `At most ${MAX_RANGE_DAYS} days per request.`,
  request: { query: StatsQuery },
  responses: {
    200: { description: 'The buckets', content: { 'application/json': { schema: PaymentStats } } },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
  },
})
export type StatsRoute = typeof stats
