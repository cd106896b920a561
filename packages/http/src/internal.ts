import { timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { ForbiddenError } from './errors'

/** The header service-to-service calls carry; the gateway strips it from every outside request. */
export const INTERNAL_SECRET_HEADER = 'x-internal-secret'

/**
 * Guards `/internal/*` routes: only callers holding `INTERNAL_SERVICE_SECRET` pass (compared in
 * constant time). The gateway never forwards `/internal`, so this is the second wall, not the first.
 */
export function requireInternalSecret(secret: string): MiddlewareHandler {
  const expected = Buffer.from(secret)
  return async (c, next) => {
    const given = Buffer.from(c.req.header(INTERNAL_SECRET_HEADER) ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new ForbiddenError('Internal route: a valid internal secret is required')
    }
    await next()
  }
}
