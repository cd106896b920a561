import { Money, PageQuery, PledgeState, page, Timestamp } from '@careforall/contracts'
import { IdempotencyKeyHeader, jsonContent, problemResponses, Security } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'

const tags = ['pledges']
const json = jsonContent

export const HistoryEntry = z
  .object({ from: PledgeState.nullable(), to: PledgeState, causeEventId: z.string(), at: z.string() })
  .openapi('PledgeHistoryEntry')

export const Pledge = z
  .object({
    id: z.uuid(),
    campaignId: z.uuid(),
    userId: z.uuid().nullable(),
    donorName: z.string().nullable(),
    anonymous: z.boolean(),
    amount: z.number(),
    refundedAmount: z.number(),
    paymentMethod: z.string(),
    state: PledgeState,
    paymentId: z.uuid().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Pledge')

export const PledgeWithHistory = Pledge.extend({ history: z.array(HistoryEntry) }).openapi(
  'PledgeWithHistory',
)
export const CreatedPledge = PledgeWithHistory.extend({
  receiptToken: z
    .string()
    .optional()
    .openapi({ description: "A guest's key to follow this pledge: GET /api/pledges/{id}?receiptToken=" }),
}).openapi('CreatedPledge')

/** What anyone may see of a campaign's donations: captured ones, anonymous donors masked. */
export const PublicDonation = z
  .object({ id: z.uuid(), amount: z.number(), donorName: z.string(), createdAt: z.string() })
  .openapi('PublicDonation')

export const create = createRoute({
  method: 'post',
  path: '/api/pledges',
  tags,
  security: Security.optionalUser,
  summary: 'Pledge to an ACTIVE campaign, signed in or as a guest (give donorEmail)',
  description:
    'Requires an Idempotency-Key: a retried request replays the first answer and never pledges twice.',
  request: {
    headers: IdempotencyKeyHeader,
    body: {
      required: true,
      content: json(
        z.strictObject({
          campaignId: z.uuid(),
          amount: Money,
          paymentMethod: z.string().min(1).max(64).optional().openapi({ example: 'pm_ok' }),
          donorEmail: z.email().max(254).optional(),
          donorName: z.string().trim().max(200).optional(),
          anonymous: z.boolean().optional(),
        }),
      ),
    },
  },
  responses: {
    201: { description: 'Created, PENDING until the payment is authorized', content: json(CreatedPledge) },
    400: problemResponses[400],
    401: problemResponses[401],
    409: problemResponses[409],
    422: problemResponses[422],
  },
})

const StateFigures = z.object({
  count: z.number().int().nonnegative().openapi({ example: 12 }),
  amount: z.number().nonnegative().openapi({ example: 310.5, description: 'USD, the sum of their amounts' }),
})

export const PledgeStats = z
  .object({
    from: z
      .string()
      .nullable()
      .openapi({ description: 'The `from` asked for; null: since the first pledge' }),
    to: z.string().nullable().openapi({ description: 'The `to` asked for; null: until now' }),
    byState: z
      .object({
        PENDING: StateFigures,
        AUTHORIZED: StateFigures,
        CAPTURED: StateFigures,
        REFUNDED: StateFigures,
        FAILED: StateFigures,
      })
      .openapi({
        description: 'Pledges created in the window, by their state now; every state, zeros included',
      }),
    stuck: z
      .number()
      .int()
      .nonnegative()
      .openapi({
        example: 0,
        description:
          'Of those, the PENDING or AUTHORIZED ones unchanged for more than `stuckAfterSeconds` ' +
          '(listed by `GET /api/pledges?stuck=true`)',
      }),
    stuckAfterSeconds: z
      .number()
      .int()
      .openapi({ example: 300, description: 'The service setting STUCK_PLEDGE_SECONDS' }),
  })
  .openapi('PledgeStats')

/** Declared before `get`, so `/api/pledges/stats` is never read as a pledge id. */
export const stats = createRoute({
  method: 'get',
  path: '/api/pledges/stats',
  tags,
  security: Security.admin,
  summary: 'Pledges by state, and how many are stuck (admin)',
  description:
    'Counts and sums the pledges created in `[from, to)` (the same window as the list’s `from` and ' +
    '`to`; either end may be left open, both for all time) by the state each is in now.',
  request: {
    query: z.object({
      from: Timestamp.optional().openapi({ description: 'Created at or after; default: no lower bound' }),
      to: Timestamp.optional().openapi({ description: 'Created before; default: no upper bound' }),
    }),
  },
  responses: {
    200: { description: 'The figures', content: json(PledgeStats) },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
  },
})

export const get = createRoute({
  method: 'get',
  path: '/api/pledges/{id}',
  tags,
  security: Security.optionalUser,
  summary: 'A pledge with its state history (its donor, an admin, or a guest with its receiptToken)',
  request: {
    params: z.object({ id: z.uuid() }),
    query: z.object({ receiptToken: z.string().max(200).optional() }),
  },
  responses: {
    200: { description: 'The pledge', content: json(PledgeWithHistory) },
    400: problemResponses[400],
    404: problemResponses[404],
  },
})

export const list = createRoute({
  method: 'get',
  path: '/api/pledges',
  tags,
  security: Security.optionalUser,
  summary: "A campaign's public donations, your own pledges, or (admin) any filter",
  description:
    '`campaignId` alone: captured donations, anyone may read, anonymous donors masked. `mine=true`: your pledges. ' +
    'Admins may filter by `state`, `from` and `to` (`created_at` in `[from, to)`) and `stuck=true` ' +
    '(PENDING or AUTHORIZED, unchanged for more than STUCK_PLEDGE_SECONDS), and see full pledges.',
  request: {
    query: PageQuery.extend({
      campaignId: z.uuid().optional(),
      mine: z.enum(['true', 'false']).optional(),
      state: PledgeState.optional(),
      from: Timestamp.optional(),
      to: Timestamp.optional(),
      stuck: z
        .enum(['true', 'false'])
        .optional()
        .openapi({ description: 'Admins: only the stuck pledges (see `GET /api/pledges/stats`)' }),
    }),
  },
  responses: {
    200: { description: 'A page', content: json(page(z.union([Pledge, PublicDonation]))) },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
  },
})

export type CreateRoute = typeof create
export type StatsRoute = typeof stats
export type GetRoute = typeof get
export type ListRoute = typeof list
