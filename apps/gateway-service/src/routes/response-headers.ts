import type { MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'

export interface ResponseHeaderOptions {
  /** Origins granted CORS access (exact match). */
  origins: string[]
  /** Response headers those origins may read. */
  exposeHeaders: string[]
  /** How long a browser may cache a preflight answer, in seconds. */
  maxAgeSeconds: number
}

/**
 * `hono/secure-headers`' defaults, the set the gateway has always sent (a test compares this list
 * with what `secureHeaders()` itself sets, so a Hono upgrade that changes them is noticed).
 */
export const SECURITY_HEADERS: readonly (readonly [string, string])[] = [
  ['Cross-Origin-Resource-Policy', 'same-origin'],
  ['Cross-Origin-Opener-Policy', 'same-origin'],
  ['Origin-Agent-Cluster', '?1'],
  ['Referrer-Policy', 'no-referrer'],
  ['Strict-Transport-Security', 'max-age=15552000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
  ['X-DNS-Prefetch-Control', 'off'],
  ['X-Download-Options', 'noopen'],
  ['X-Frame-Options', 'SAMEORIGIN'],
  ['X-Permitted-Cross-Domain-Policies', 'none'],
  ['X-XSS-Protection', '0'],
]

/**
 * CORS and security headers on every response, exactly as `cors()` followed by `secureHeaders()`
 * set them, but in one pass over the finished response. Hono's `cors()` touches `c.res` before the
 * handler runs and appends `Vary` through `c.header()` after it, and each of those makes Hono copy
 * the whole response (a placeholder merged into the handler's answer, then a clone to append
 * one header): two `Response` objects and two header copies on every proxied request. A preflight
 * (`OPTIONS`) is still answered by `cors()` itself, which is what the gateway always did; like
 * before, it carries no security headers (`cors()` answered it before `secureHeaders()` ran).
 */
export function responseHeaders(options: ResponseHeaderOptions): MiddlewareHandler {
  const preflight = cors({
    origin: options.origins,
    exposeHeaders: options.exposeHeaders,
    maxAge: options.maxAgeSeconds,
  })
  const allowed = new Set(options.origins)
  const exposed = options.exposeHeaders.join(',')
  return async (c, next) => {
    if (c.req.method === 'OPTIONS') return preflight(c, next)
    await next()
    const headers = c.res.headers
    const origin = c.req.raw.headers.get('origin')
    if (origin && allowed.has(origin)) headers.set('Access-Control-Allow-Origin', origin)
    if (exposed) headers.set('Access-Control-Expose-Headers', exposed)
    headers.append('Vary', 'Origin')
    for (const [name, value] of SECURITY_HEADERS) headers.set(name, value)
    headers.delete('X-Powered-By')
  }
}
