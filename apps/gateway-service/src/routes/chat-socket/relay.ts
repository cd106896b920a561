import type { Logger } from '@careforall/logger'
import type { ServerWebSocket } from 'bun'

type Frame = string | Uint8Array<ArrayBuffer>

/** What a relayed socket carries from its upgrade: its upstream socket, open already. */
export interface RelayData {
  upstream: WebSocket
  /** What the upstream sent before the client's socket opened (a join frame, missed messages). */
  early: Frame[]
}

export interface RelayOptions {
  logger: Logger
  /** A client that answers nothing (not even our pings) this long is closed. */
  idleTimeoutSeconds: number
  /** A slow client is dropped once this much waits to be sent to it (and so is a slow upstream). */
  backpressureLimitBytes: number
}

/** Bun's WebSocket takes headers; the DOM's constructor type (our tsconfig has both) does not say so. */
const BunWebSocket = WebSocket as unknown as new (url: string, options: Bun.WebSocketOptions) => WebSocket

/** Codes a close frame may not carry (RFC 6455 §7.4.1): the other side is told "internal error". */
const UNSENDABLE = new Set([1004, 1005, 1006, 1015])

function sendableCode(code: number): number {
  return UNSENDABLE.has(code) || code < 1000 ? 1011 : code
}

function frameOf(data: unknown): Frame {
  return typeof data === 'string' ? data : new Uint8Array(data as ArrayBuffer)
}

/**
 * Opens the chat service's side of a socket before the client's is accepted, so that once the
 * client sees its socket open, the room has it (nothing posted meanwhile is missed). What the
 * upstream sends before the client's side opens is kept for it. Rejects when the upstream cannot
 * be reached or refuses (the client then gets a 502, not a socket that closes at once).
 */
export function openUpstream(
  target: string,
  headers: Record<string, string>,
  timeoutMs: number,
): Promise<RelayData> {
  const upstream = new BunWebSocket(target, { headers })
  upstream.binaryType = 'arraybuffer'
  const early: Frame[] = []
  upstream.onmessage = (event) => early.push(frameOf(event.data))
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      upstream.close()
      reject(new Error('chat upstream did not open in time'))
    }, timeoutMs)
    upstream.onopen = () => {
      clearTimeout(timer)
      resolve({ upstream, early })
    }
    upstream.onclose = (event) => {
      clearTimeout(timer)
      reject(new Error(`chat upstream closed before opening (${event.code})`))
    }
  })
}

/**
 * The gateway's side of a chat socket (decision 0025): one upstream socket per client, opened
 * first (`openUpstream`); frames relayed both ways as they are; when either side closes, so does
 * the other. Bun pings the client and drops one that stops answering, or reads too slowly.
 */
export function chatRelay(options: RelayOptions): Bun.WebSocketHandler<RelayData> {
  const closeClient = (ws: ServerWebSocket<RelayData>, code: number, reason: string) => {
    if (ws.readyState === WebSocket.OPEN) ws.close(sendableCode(code), reason)
  }
  return {
    idleTimeout: options.idleTimeoutSeconds,
    sendPings: true,
    backpressureLimit: options.backpressureLimitBytes,
    closeOnBackpressureLimit: true,
    open(ws) {
      const { upstream, early } = ws.data
      for (const frame of early.splice(0)) ws.send(frame)
      upstream.onmessage = (event) => {
        if (ws.readyState === WebSocket.OPEN) ws.send(frameOf(event.data))
      }
      upstream.onclose = (event) => closeClient(ws, event.code, event.reason)
      upstream.onerror = () => {
        options.logger.warn({ upstream: 'chat-service' }, 'chat upstream socket failed')
        closeClient(ws, 1011, 'chat-service is unavailable')
      }
      if (upstream.readyState !== WebSocket.OPEN) closeClient(ws, 1011, 'chat-service is unavailable')
    },
    message(ws, received) {
      const { upstream } = ws.data
      if (upstream.readyState !== WebSocket.OPEN) return
      upstream.send(typeof received === 'string' ? received : new Uint8Array(received))
      if (upstream.bufferedAmount > options.backpressureLimitBytes) {
        closeClient(ws, 1013, 'chat-service is not keeping up')
      }
    },
    close(ws, code, reason) {
      const { upstream } = ws.data
      if (upstream.readyState === WebSocket.OPEN || upstream.readyState === WebSocket.CONNECTING) {
        upstream.close(sendableCode(code) === 1011 ? 1000 : sendableCode(code), reason)
      }
    },
  }
}
