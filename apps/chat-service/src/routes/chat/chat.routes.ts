import { ChatServerFrame } from '@careforall/contracts'
import { jsonContent, problemResponses, Security } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'

const tags = ['chat']

const CampaignParam = z
  .uuid()
  .openapi({ param: { name: 'campaignId', in: 'path' }, example: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f' })
export const RoomParams = z.object({ campaignId: CampaignParam })

export const SocketQuery = z.object({
  token: z.string().optional().openapi({
    description: 'An access token (browsers cannot set headers on a WebSocket); none: read only',
  }),
  since: z.coerce.number().int().min(0).optional().openapi({
    description: 'The last `seq` this client saw: it is sent everything after it, in order, first',
  }),
})

/** Documented here; served by the upgrade handler in chat.index.ts (an upgrade is not a JSON route). */
export const socket = createRoute({
  method: 'get',
  path: '/api/chat/campaigns/{campaignId}/ws',
  tags,
  summary: "Join a campaign's chat room (WebSocket)",
  description:
    'Upgrades to a WebSocket. Client frames: `{"message": "…"}` (1–2,000 characters; any `userId` or ' +
    '`userName` sent is ignored: identity comes from the token). Server frames: `message`, `deleted`, ' +
    '`system` (join/leave, one per user) and `error` (`rate_limited`, `too_long`, `read_only`, ' +
    '`not_found`, `bad_frame`, `unavailable`), see ChatServerFrame. Every `message` and `deleted` ' +
    "carries the room's `seq`: reconnect with `since=<last seq>` to get exactly what was missed. " +
    'A campaign that is unknown or a draft refuses the upgrade with 404, a completed one with 409. ' +
    'Without `Upgrade: websocket` the checks run and 426 answers.',
  request: { params: RoomParams, query: SocketQuery },
  responses: {
    101: {
      description: 'Switching protocols; then frames as described',
      content: jsonContent(ChatServerFrame),
    },
    400: problemResponses[400],
    401: problemResponses[401],
    404: problemResponses[404],
    409: problemResponses[409],
    426: {
      description: 'Not a WebSocket upgrade (the room can be joined)',
      content: problemResponses[400].content,
    },
  },
})

export const HistoryItem = z
  .object({
    seq: z.number().int().positive(),
    id: z.uuid(),
    userId: z.uuid(),
    userName: z.string(),
    message: z.string().openapi({ description: 'Plain text, never HTML; empty for a removed message' }),
    deleted: z.boolean(),
    timestamp: z.string(),
  })
  .openapi('ChatHistoryItem')

export const history = createRoute({
  method: 'get',
  path: '/api/chat/campaigns/{campaignId}/messages',
  tags,
  summary: "A room's history, newest first",
  description: 'Keyset pages by `seq`: pass the `nextBefore` of a page as `before` for the older one.',
  request: {
    params: RoomParams,
    query: z.object({
      before: z.coerce.number().int().min(1).optional(),
      limit: z.coerce.number().int().min(1).max(100).default(50),
    }),
  },
  responses: {
    200: {
      description: 'A page',
      content: jsonContent(
        z.object({ items: z.array(HistoryItem), nextBefore: z.number().int().nullable() }),
      ),
    },
    400: problemResponses[400],
    404: problemResponses[404],
  },
})

export const Present = z.object({ userId: z.uuid(), userName: z.string() }).openapi('ChatPresent')

export const presence = createRoute({
  method: 'get',
  path: '/api/chat/campaigns/{campaignId}/presence',
  tags,
  summary: 'Who is in the room',
  description:
    'Signed-in visitors with a socket open on any instance, each once however many tabs they have.',
  request: { params: RoomParams },
  responses: {
    200: {
      description: 'The room',
      content: jsonContent(z.object({ campaignId: z.uuid(), users: z.array(Present) })),
    },
    400: problemResponses[400],
    404: problemResponses[404],
  },
})

export const removeMessage = createRoute({
  method: 'delete',
  path: '/api/chat/campaigns/{campaignId}/messages/{messageId}',
  tags,
  security: Security.user,
  summary: 'Remove a message for everyone (the campaign owner or an admin)',
  description:
    'A tombstone: sockets in the room get a `deleted` frame, history keeps the entry without its text.',
  request: { params: RoomParams.extend({ messageId: z.uuid() }) },
  responses: {
    204: { description: 'Removed (or removed already)' },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
    404: problemResponses[404],
  },
})

export const Mute = z
  .object({ campaignId: z.uuid(), userId: z.uuid(), until: z.string() })
  .openapi('ChatMute')

export const mute = createRoute({
  method: 'post',
  path: '/api/chat/campaigns/{campaignId}/mutes',
  tags,
  security: Security.user,
  summary: 'Mute a user in the room for a time (the campaign owner or an admin)',
  request: {
    params: RoomParams,
    body: {
      required: true,
      content: jsonContent(z.object({ userId: z.uuid(), minutes: z.number().int().min(1) })),
    },
  },
  responses: {
    201: { description: 'Muted until `until`', content: jsonContent(Mute) },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
    404: problemResponses[404],
    422: problemResponses[422],
  },
})

export const unmute = createRoute({
  method: 'delete',
  path: '/api/chat/campaigns/{campaignId}/mutes/{userId}',
  tags,
  security: Security.user,
  summary: 'Lift a mute (the campaign owner or an admin)',
  request: { params: RoomParams.extend({ userId: z.uuid() }) },
  responses: {
    204: { description: 'The user may post again' },
    400: problemResponses[400],
    401: problemResponses[401],
    403: problemResponses[403],
    404: problemResponses[404],
  },
})

export type HistoryRoute = typeof history
export type PresenceRoute = typeof presence
export type RemoveMessageRoute = typeof removeMessage
export type MuteRoute = typeof mute
export type UnmuteRoute = typeof unmute
