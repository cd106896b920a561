import type { Context } from 'hono'
import { getConnInfo } from 'hono/bun'

/** Peers whose X-Forwarded-For we believe: the gateway, on this machine or (compose) its network. */
const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1'])

/**
 * The client's address. The gateway appends the address it saw to X-Forwarded-For, so when the
 * direct peer is a trusted proxy the last entry is the client; anything earlier in the header is
 * whatever the client claimed and is ignored.
 */
export function clientIp(c: Context, trustedProxies: ReadonlySet<string> = LOOPBACK): string {
  let peer = 'unknown'
  try {
    peer = getConnInfo(c).remote.address ?? 'unknown'
  } catch {
    // app.request() in tests has no socket
  }
  const forwarded = c.req.header('x-forwarded-for')
  if (forwarded && (trustedProxies.has(peer) || peer === 'unknown')) {
    const last = forwarded.split(',').at(-1)?.trim()
    if (last) return last
  }
  return peer
}
