import type { MiddlewareHandler } from 'hono'
import { ForbiddenError, UnauthorizedError } from '../errors'
import type { AppEnv, AuthUser } from '../types'
import type { TokenVerifier } from './verifier'

/** The bearer token of a request, undefined when there is no Authorization header. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined) return undefined
  const match = /^Bearer ([A-Za-z0-9\-_.]+)$/.exec(header.trim())
  if (!match) throw new UnauthorizedError('The Authorization header must be "Bearer <token>"')
  return match[1]
}

/** Requires a valid access token; sets `c.var.user` and stamps `userId` on the request's logs. */
export function requireAuth(verifier: TokenVerifier): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'))
    if (!token) throw new UnauthorizedError()
    setUser(c, await verifier.verify(token))
    await next()
  }
}

/**
 * Reads an access token when one is sent (guest pledges, public reads): no header passes as
 * anonymous, but a header that is present and invalid is still a 401.
 */
export function optionalAuth(verifier: TokenVerifier): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'))
    if (token) setUser(c, await verifier.verify(token))
    await next()
  }
}

/** After `requireAuth()`: only callers with one of these roles pass. */
export function requireRole(...roles: AuthUser['role'][]): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const user = c.get('user')
    if (!user) throw new UnauthorizedError()
    if (!roles.includes(user.role)) throw new ForbiddenError(`This needs the ${roles.join(' or ')} role`)
    await next()
  }
}

function setUser(c: Parameters<MiddlewareHandler<AppEnv>>[0], user: AuthUser): void {
  c.set('user', user)
  c.set('logger', c.get('logger').child({ userId: user.id }))
}
