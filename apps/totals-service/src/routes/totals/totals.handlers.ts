import type { AppRouteHandler } from '@careforall/http'
import type { Context } from 'hono'
import { streamSSE } from 'hono/streaming'
import { type TotalsSnapshot, totalsBody } from '../../domain/totals'
import type { TotalsCache } from '../../read-model/cache'
import type * as routes from './totals.routes'

/** How soon an EventSource should reconnect after the stream ends (shutdown, a proxy cutting it). */
const RETRY_MS = 2000

/** A `Last-Event-ID` we issued: a version number. Anything else means "send the current totals". */
function versionOf(header: string | undefined): number | undefined {
  return header && /^\d{1,15}$/.test(header.trim()) ? Number(header.trim()) : undefined
}

/**
 * `Bun.serve` closes a connection idle for its `idleTimeout`: an event stream must outlive that.
 * `c.env` is the Bun server when served by `Bun.serve` (absent under `app.request()` in tests).
 */
function keepOpen(c: Context): void {
  const server = c.env as Partial<Bun.Server<unknown>> | undefined
  if (typeof server?.timeout === 'function') server.timeout(c.req.raw, 0)
}

export function totalsHandlers({ cache, heartbeatMs }: { cache: TotalsCache; heartbeatMs: number }) {
  const list: AppRouteHandler<routes.ListRoute> = async (c) => {
    const { campaignIds } = c.req.valid('query')
    const snapshots = await cache.getMany(campaignIds)
    return c.json({ items: snapshots.map(totalsBody) }, 200)
  }

  const get: AppRouteHandler<routes.GetRoute> = async (c) => {
    const { campaignId } = c.req.valid('param')
    const snapshot = cache.peek(campaignId) ?? (await cache.load(campaignId))
    return c.json(totalsBody(snapshot), 200)
  }

  /**
   * Subscribes first and reads the current totals second, so no change can fall between the two;
   * every write is then filtered by version, so nothing is sent twice or out of order.
   */
  const stream: AppRouteHandler<routes.StreamRoute> = (c) => {
    const { campaignId } = c.req.valid('param')
    const resumeFrom = versionOf(c.req.header('last-event-id'))
    keepOpen(c)
    return streamSSE(c, async (sse) => {
      const subscription = cache.subscribers.subscribe(campaignId)
      sse.onAbort(() => subscription.close())
      try {
        await sse.write(`retry: ${RETRY_MS}\n\n`)
        const current = await cache.get(campaignId)
        // A version from the future is not ours (another deployment, a forged header): start over.
        let sent = resumeFrom !== undefined && resumeFrom <= current.version ? resumeFrom : -1
        const send = async (snapshot: TotalsSnapshot) => {
          if (snapshot.version <= sent) return
          sent = snapshot.version
          await sse.writeSSE({
            event: 'totals',
            id: String(snapshot.version),
            data: JSON.stringify(totalsBody(snapshot)),
          })
        }
        await send(current)
        while (!sse.aborted && !subscription.closed) {
          const next = await subscription.next(heartbeatMs)
          if (next) await send(next)
          else if (!subscription.closed) await sse.write(': keep-alive\n\n')
        }
      } catch (error) {
        // Caught here: Hono would print it to stderr, or with an onError send its message to the
        // client. The stream just ends; the client reconnects after `retry`.
        c.get('logger').warn({ err: error, campaignId }, 'event stream failed')
      } finally {
        subscription.close()
      }
    })
  }

  return { list, get, stream }
}
