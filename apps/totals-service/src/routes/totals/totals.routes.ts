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
