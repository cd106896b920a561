import type { Sql } from '@careforall/db'
import {
  type AppEnv,
  AppError,
  type AppRouteHandler,
  BadRequestError,
  ConflictError,
  invalidRequest,
} from '@careforall/http'
import type { Context } from 'hono'
import { type CampaignOf, isOpen, roomOf } from '../../campaigns'
import type { StoredMessage } from '../../domain/entries'
import type { Identify } from '../../identity'
import type { Hub, SocketData } from '../../rooms/hub'
import type { Presence } from '../../rooms/presence'
import { lastSeq } from '../../store/messages'
import { deleteMessage, muteUser, readHistory, unmuteUser } from '../../usecases/messages'
import * as routes from './chat.routes'

export interface ChatHandlerDeps {
  sql: Sql
  campaignOf: CampaignOf
  hub: Hub
  presence: Presence
  identify: Identify
  maxMuteMinutes: number
}

function toHistoryItem(row: StoredMessage) {
  return {
    seq: row.seq,
    id: row.id,
    userId: row.userId,
    userName: row.userName,
    message: row.deletedAt ? '' : row.message,
    deleted: row.deletedAt !== null,
    timestamp: row.createdAt.toISOString(),
  }
}

export function chatHandlers(deps: ChatHandlerDeps) {
  /**
   * The socket's upgrade: every check runs before it (a problem+json 4xx refuses it), so a
   * refused client learns why, and the gateway can ask first without upgrading (426 = go ahead).
   */
  const upgrade = async (c: Context<AppEnv>) => {
    const params = routes.RoomParams.safeParse(c.req.param())
    if (!params.success) throw invalidRequest(params.error.issues)
    const query = routes.SocketQuery.safeParse(c.req.query())
    if (!query.success) throw invalidRequest(query.error.issues)
    const { campaignId } = params.data
    const user = query.data.token ? await deps.identify(query.data.token) : undefined
    const campaign = await roomOf(deps.campaignOf, campaignId)
    if (!isOpen(campaign)) {
      throw new ConflictError(`The campaign is ${campaign.status}: its chat is closed`, {
        campaignStatus: campaign.status,
      })
    }
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') {
      throw new AppError(
        426,
        'upgrade-required',
        'Upgrade Required',
        'Open this room with a WebSocket',
        {},
        { Upgrade: 'websocket' },
      )
    }
    const server = c.env as Bun.Server<SocketData> | undefined
    if (!server?.upgrade) throw new BadRequestError('This server cannot upgrade the connection')
    deps.hub.attach(server)
    // A new socket is live from this moment: what is committed after it comes, even if the room
    // on this instance reads its history a little later.
    const since = query.data.since ?? (await lastSeq(deps.sql, campaignId))
    const data: SocketData = { campaignId, user, since }
    if (!server.upgrade(c.req.raw, { data })) throw new BadRequestError('Not a valid WebSocket handshake')
    // Bun answers the upgrade itself; this response is never sent.
    return new Response(null)
  }

  const history: AppRouteHandler<routes.HistoryRoute> = async (c) => {
    const { campaignId } = c.req.valid('param')
    const { before, limit } = c.req.valid('query')
    const rows = await readHistory(deps, campaignId, { before, limit })
    const nextBefore = rows.length === limit ? (rows.at(-1)?.seq ?? null) : null
    return c.json({ items: rows.map(toHistoryItem), nextBefore: nextBefore === 1 ? null : nextBefore }, 200)
  }

  const presence: AppRouteHandler<routes.PresenceRoute> = async (c) => {
    const { campaignId } = c.req.valid('param')
    await roomOf(deps.campaignOf, campaignId)
    return c.json({ campaignId, users: await deps.presence.list(campaignId) }, 200)
  }

  const removeMessage: AppRouteHandler<routes.RemoveMessageRoute> = async (c) => {
    const { campaignId, messageId } = c.req.valid('param')
    const { deleted } = await deleteMessage(deps, c.get('user')!, campaignId, messageId)
    if (deleted) deps.hub.changed(campaignId)
    return c.body(null, 204)
  }

  const mute: AppRouteHandler<routes.MuteRoute> = async (c) => {
    const { campaignId } = c.req.valid('param')
    const { userId, minutes } = c.req.valid('json')
    if (minutes > deps.maxMuteMinutes) {
      throw new BadRequestError(`A mute lasts at most ${deps.maxMuteMinutes} minutes`)
    }
    const until = await muteUser(deps, c.get('user')!, campaignId, userId, minutes)
    return c.json({ campaignId, userId, until: until.toISOString() }, 201)
  }

  const unmute: AppRouteHandler<routes.UnmuteRoute> = async (c) => {
    const { campaignId, userId } = c.req.valid('param')
    await unmuteUser(deps, c.get('user')!, campaignId, userId)
    return c.body(null, 204)
  }

  return { upgrade, history, presence, removeMessage, mute, unmute }
}
