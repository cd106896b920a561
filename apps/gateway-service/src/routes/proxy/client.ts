import type { AppEnv } from '@careforall/http'
import type { MiddlewareHandler } from 'hono'

/** What the gateway needs to know about the connection a request arrived on. */
export interface Client {
  /**
   * The request exactly as `Bun.serve` handed it over. Middleware may replace `c.req.raw` (the
   * body limit re-wraps a chunked body), but only the original carries the connection: Bun looks
   * it up for `requestIP`, `server.timeout` and the client-disconnect signal.
   */
  request: Request
  address: string | undefined
  server: Bun.Server<unknown> | undefined
}

export type ProxyEnv = { Variables: AppEnv['Variables'] & { client: Client } }

/** Records the client connection before anything can replace the raw request. */
export function captureClient(): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const server = bunServer(c.env)
    const request = c.req.raw
    // Outside Bun.serve (e.g. `app.request()`) there is no connection, so no peer to name.
    const address = server?.requestIP(request)?.address
    c.set('client', { request, address, server })
    await next()
  }
}

function bunServer(env: unknown): Bun.Server<unknown> | undefined {
  const candidate = env as Partial<Bun.Server<unknown>> | undefined
  return typeof candidate?.requestIP === 'function' && typeof candidate.timeout === 'function'
    ? (candidate as Bun.Server<unknown>)
    : undefined
}
