import { problemResponses } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'

const tags = ['totals']

const Params = z.object({
  campaignId: z
    .uuid()
    .openapi({ param: { name: 'campaignId', in: 'path' }, example: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f' }),
})

export const CampaignTotals = z
  .object({
    campaignId: z.uuid(),
    totalAmount: z.number().openapi({ example: 1250.5, description: 'USD, 2 decimals; never negative' }),
    totalPledges: z
      .number()
      .int()
      .openapi({ example: 42, description: 'Payments with a net amount above zero' }),
    totalDonors: z
      .number()
      .int()
      .openapi({ example: 37, description: 'Distinct donors with a net amount above zero' }),
    lastUpdated: z.string().nullable().openapi({
      example: '2026-11-25T12:00:00.000Z',
      description: 'When the totals last changed; null for a campaign without any payment yet',
    }),
  })
  .openapi('CampaignTotals')

/** How many campaigns one `GET /api/totals?campaignIds=` may ask for. */
export const MAX_CAMPAIGN_IDS = 100

/** `a,b,c`: 1 to MAX_CAMPAIGN_IDS uuids, in the order the answer keeps. */
const CampaignIds = z
  .string()
  .transform((value, ctx) => {
    const ids = value.split(',')
    if (ids.length > MAX_CAMPAIGN_IDS) {
      ctx.addIssue({ code: 'custom', message: `at most ${MAX_CAMPAIGN_IDS} campaign ids` })
      return z.NEVER
    }
    const bad = ids.findIndex((id) => !z.uuid().safeParse(id).success)
    if (bad >= 0) {
      ctx.addIssue({ code: 'custom', message: `campaign id ${bad + 1} is not a uuid` })
      return z.NEVER
    }
    return ids
  })
  .openapi({
    description: `Comma-separated campaign ids (uuids), 1 to ${MAX_CAMPAIGN_IDS}; the answer keeps their order`,
    example: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f,01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e10',
  })

export const list = createRoute({
  method: 'get',
  path: '/api/totals',
  tags,
  summary: 'Several campaigns’ totals at once',
  description:
    `The same totals as \`GET /api/totals/{campaignId}\`, for up to ${MAX_CAMPAIGN_IDS} campaigns, in the ` +
    'order asked, zeros for one without payments. Served from memory like it: no database work for ' +
    'campaigns held there, one query for all the others.',
  request: { query: z.object({ campaignIds: CampaignIds }) },
  responses: {
    200: {
      description: 'One item per id asked for',
      content: {
        'application/json': {
          schema: z.object({ items: z.array(CampaignTotals) }).openapi('CampaignTotalsList'),
        },
      },
    },
    400: problemResponses[400],
  },
})
export type ListRoute = typeof list

export const get = createRoute({
  method: 'get',
  path: '/api/totals/{campaignId}',
  tags,
  summary: "A campaign's totals",
  description:
    'Served from memory: no database work on a hit, so a traffic spike never reaches PostgreSQL. ' +
    'Zeros (and `lastUpdated: null`) for a campaign nobody has paid to yet, or that does not exist: ' +
    'the read model does not know campaigns, only payments.',
  request: { params: Params },
  responses: {
    200: { description: 'The totals', content: { 'application/json': { schema: CampaignTotals } } },
    400: problemResponses[400],
  },
})
export type GetRoute = typeof get

export const stream = createRoute({
  method: 'get',
  path: '/api/totals/{campaignId}/stream',
  tags,
  summary: "A campaign's totals as server-sent events",
  description:
    'A `text/event-stream`: an `event: totals` with the same body as `GET /api/totals/{campaignId}` ' +
    'at once, then one at every change. Each event id is the campaign’s totals version; a client ' +
    'reconnecting with `Last-Event-ID` gets the current totals only if they are newer. Comment ' +
    'lines every 15 s keep quiet connections alive.',
  request: {
    params: Params,
    headers: z.object({
      'last-event-id': z.string().optional().openapi({ description: 'The id of the last event received' }),
    }),
  },
  responses: {
    200: { description: 'A `text/event-stream` of `totals` events (see the description)' },
    400: problemResponses[400],
  },
})
export type StreamRoute = typeof stream
