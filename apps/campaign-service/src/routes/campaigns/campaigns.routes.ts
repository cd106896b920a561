import {
  CampaignPatch,
  CampaignStatus,
  CampaignSummary,
  NewCampaign,
  PageQuery,
  page,
} from '@careforall/contracts'
import { jsonContent, problemResponses, Security } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'

const tags = ['campaigns']
const security = Security.user
const json = jsonContent
const Params = z.object({ id: z.uuid() })

export const Campaign = CampaignSummary.extend({
  currentAmount: z
    .number()
    .nullable()
    .openapi({ description: 'From the totals service; null while it is unreachable' }),
}).openapi('Campaign')

export const create = createRoute({
  method: 'post',
  path: '/api/campaigns',
  tags,
  security,
  summary: 'Create a campaign (DRAFT, owned by you)',
  request: { body: { required: true, content: json(NewCampaign) } },
  responses: {
    201: { description: 'Created', content: json(CampaignSummary) },
    400: problemResponses[400],
    401: problemResponses[401],
  },
})

export const list = createRoute({
  method: 'get',
  path: '/api/campaigns',
  tags,
  security: Security.optionalUser,
  summary: 'Campaigns, newest first',
  description:
    'Drafts are listed only for their owner and admins. `q` searches title and description (full text) and only filters.',
  request: {
    query: PageQuery.extend({
      status: CampaignStatus.optional(),
      ownerId: z.uuid().optional(),
      q: z.string().trim().min(1).max(200).optional(),
    }),
  },
  responses: {
    200: { description: 'A page of campaigns', content: json(page(CampaignSummary)) },
    400: problemResponses[400],
  },
})

export const get = createRoute({
  method: 'get',
  path: '/api/campaigns/{id}',
  tags,
  security: Security.optionalUser,
  summary: 'One campaign, with its current amount',
  request: { params: Params },
  responses: {
    200: { description: 'The campaign', content: json(Campaign) },
    400: problemResponses[400],
    404: problemResponses[404],
  },
})

export const update = createRoute({
  method: 'patch',
  path: '/api/campaigns/{id}',
  tags,
  security,
  summary: 'Change fields and/or the status (owner or admin)',
  description: 'An illegal status move is a 409 whose `allowed` lists the moves there are.',
  request: { params: Params, body: { required: true, content: json(CampaignPatch) } },
  responses: {
    200: { description: 'The campaign after the change', content: json(CampaignSummary) },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
    404: problemResponses[404],
    409: problemResponses[409],
    422: problemResponses[422],
  },
})

export const remove = createRoute({
  method: 'delete',
  path: '/api/campaigns/{id}',
  tags,
  security,
  summary: 'Delete a DRAFT campaign (owner or admin)',
  request: { params: Params },
  responses: {
    204: { description: 'Deleted' },
    401: problemResponses[401],
    403: problemResponses[403],
    404: problemResponses[404],
    409: problemResponses[409],
  },
})

export const internalGet = createRoute({
  method: 'get',
  path: '/internal/campaigns/{id}',
  tags: ['internal'],
  security: Security.internal,
  summary: 'A campaign for other services (the pledge service checks ACTIVE); internal secret required',
  request: { params: Params },
  responses: {
    200: { description: 'The campaign', content: json(CampaignSummary) },
    403: problemResponses[403],
    404: problemResponses[404],
  },
})

export type CreateRoute = typeof create
export type ListRoute = typeof list
export type GetRoute = typeof get
export type UpdateRoute = typeof update
export type RemoveRoute = typeof remove
export type InternalGetRoute = typeof internalGet
