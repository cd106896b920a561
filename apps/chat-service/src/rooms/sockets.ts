import type { ChatErrorCode } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import type { Limiter } from '@careforall/http'
import type { Logger } from '@careforall/logger'
import { withSpan } from '@careforall/otel'
import { readClientFrame } from '../domain/frames'
import { mutedUntil } from '../store/messages'
import { postMessage } from '../usecases/messages'
import type { ChatSocket, Hub, SocketData } from './hub'
import type { Presence } from './presence'

export interface SocketSettings {
  idleTimeoutSeconds: number
  backpressureLimitBytes: number
}

/** Frames larger than this are refused by Bun itself (the socket is closed with 1009). */
const MAX_FRAME_BYTES = 64 * 1024

function refuse(ws: ChatSocket, code: ChatErrorCode, message: string): void {
  if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: 'error', code, message }))
}

/**
 * Bun's WebSocket handler for the chat sockets. Each socket's messages are handled one at a time,
 * in order. Nothing a client sends can throw: a frame that is not a message gets an error frame.
 * Bun pings every socket and closes one that answers nothing for the idle timeout, and drops a
 * reader whose unsent frames pass the backpressure limit instead of buffering without end.
 */
export function chatSockets(deps: {
  sql: Sql
  hub: Hub
  presence: Presence
  limiter: Limiter
  logger: Logger
  settings: SocketSettings
}): Bun.WebSocketHandler<SocketData> {
  const { hub, presence, logger } = deps

  const handle = async (ws: ChatSocket, raw: string | Buffer) => {
    const frame = readClientFrame(typeof raw === 'string' ? raw : new Uint8Array(raw))
    if (!frame.ok) return refuse(ws, frame.code, frame.message)
    const { user, campaignId } = ws.data
    if (!user) return refuse(ws, 'read_only', 'Visitors without a token read only: sign in to post')
    const until = await mutedUntil(deps.sql, campaignId, user.id)
    if (until) return refuse(ws, 'read_only', `You are muted in this room until ${until.toISOString()}`)
    const rate = await deps.limiter.hit(user.id)
    if (!rate.allowed) {
      return refuse(ws, 'rate_limited', `Too many messages; wait ${Math.ceil(rate.retryAfterMs / 1000)} s`)
    }
    await withSpan('chat.message', { attributes: { 'chat.campaign_id': campaignId } }, () =>
      postMessage(deps.sql, { campaignId, userId: user.id, userName: user.name, message: frame.text }),
    )
    // This instance shows it at once; the others hear of it from chat.message.
    hub.changed(campaignId)
  }

  return {
    idleTimeout: deps.settings.idleTimeoutSeconds,
    sendPings: true,
    backpressureLimit: deps.settings.backpressureLimitBytes,
    closeOnBackpressureLimit: true,
    maxPayloadLength: MAX_FRAME_BYTES,
    open(ws) {
      hub.join(ws)
      const { user, campaignId } = ws.data
      if (user) {
        void presence.enter(campaignId, { userId: user.id, userName: user.name }).catch((error: unknown) => {
          logger.warn({ err: error }, 'cannot record presence')
        })
      }
    },
    message(ws, raw) {
      ws.data.posting = (ws.data.posting ?? Promise.resolve()).then(() =>
        handle(ws, raw).catch((error: unknown) => {
          logger.error({ err: error, campaignId: ws.data.campaignId }, 'chat message failed')
          refuse(ws, 'unavailable', 'The message could not be stored; send it again')
        }),
      )
    },
    close(ws) {
      hub.leave(ws)
      const { user, campaignId } = ws.data
      if (user) {
        void presence.leave(campaignId, { userId: user.id, userName: user.name }).catch((error: unknown) => {
          logger.warn({ err: error }, 'cannot record presence')
        })
      }
    },
  }
}
