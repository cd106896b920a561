import { ForbiddenError, statusProblem } from '@careforall/http'
import { injectTraceHeaders } from '@careforall/otel'
import type { Handler } from 'hono'
import { forwardHeaders } from '../../domain/forward-headers'
import type { ProxyEnv } from '../proxy/client'
import { openUpstream, type RelayData } from './relay'

/** Headers of the client's own handshake: Bun's upstream socket makes its own. */
const HANDSHAKE = [
  'sec-websocket-key',
  'sec-websocket-version',
  'sec-websocket-extensions',
  'sec-websocket-protocol',
]

/**
 * `GET /api/chat/campaigns/{id}/ws` at the gateway. A plain GET is proxied like any chat route.
 * An upgrade is checked first: the origin against CORS_ORIGINS or the gateway's own (the admin
 * panel it serves at /admin; another site must not open a socket with a user's token), then the room asked over plain HTTP, whose refusal (an unknown or
 * closed campaign, a bad token: problem+json) is the client's answer; its 426 means "go ahead".
 * The chat service's side is then opened, and only once it is open is the client's accepted and
 * relayed to it: a client whose socket is open is in the room.
 */
export function chatSocketUpgrade(options: {
  chatUrl: string
  origins: string[]
  /** The chat route's HTTP forwarder: the check goes the same way as any proxied request. */
  forward: Handler<ProxyEnv>
  /** How long the chat service may take to open its side. */
  timeoutMs: number
}): Handler<ProxyEnv> {
  const allowed = new Set(options.origins)
  const wsBase = options.chatUrl.replace(/^http/, 'ws')
  return async (c, next) => {
    if (c.req.header('upgrade')?.toLowerCase() !== 'websocket') return options.forward(c, next)
    const origin = c.req.header('origin')
    if (origin && !allowed.has(origin) && !sameOrigin(origin, c.req.header('host'))) {
      throw new ForbiddenError('This origin may not open chat sockets')
    }
    const check = await options.forward(c, next)
    if (!(check instanceof Response) || check.status !== 426) return check
    await check.body?.cancel()
    const client = c.get('client')
    const raw = client.request
    const pathAndQuery = raw.url.slice(raw.url.indexOf('/', raw.url.indexOf(':') + 3))
    const headers = forwardHeaders(raw.headers, {
      clientAddress: client.address,
      proto: raw.url.startsWith('https:') ? 'https' : 'http',
      host: raw.headers.get('host') ?? undefined,
      requestId: c.get('requestId'),
    })
    for (const name of HANDSHAKE) headers.delete(name)
    injectTraceHeaders(headers)
    let data: RelayData
    try {
      data = await openUpstream(wsBase + pathAndQuery, Object.fromEntries(headers), options.timeoutMs)
    } catch (error) {
      c.get('logger').warn({ err: error }, 'chat upstream socket did not open')
      return statusProblem(c, 502, 'chat-service is unavailable')
    }
    const server = client.server as Bun.Server<RelayData> | undefined
    if (!server?.upgrade(raw, { data })) {
      data.upstream.close()
      throw new ForbiddenError('Not a valid WebSocket handshake')
    }
    // Bun answers the upgrade itself; this response is never sent.
    return new Response(null)
  }
}

/** A page the gateway itself served: its origin names the host the request was sent to. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  try {
    return host !== undefined && new URL(origin).host === host
  } catch {
    return false
  }
}
