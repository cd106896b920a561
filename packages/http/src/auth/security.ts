import type { MiddlewareHandler } from 'hono'
import { requireInternalSecret } from '../internal'
import type { AppEnv, AuthUser } from '../types'
import { optionalAuth, requireAuth, requireRole } from './middleware'
import type { TokenVerifier } from './verifier'

/** One OpenAPI security requirement: scheme name → scopes (for `bearerAuth`, the roles allowed). */
export type SecurityRequirement = Record<string, string[]>

/**
 * What a route may declare about its caller, in its contract (`security: Security.admin`). The
 * router enforces exactly what the route declares, so the documentation and the guard cannot
 * drift apart, and a route that declares nothing is public on purpose, not by omission.
 */
export const Security: Record<'user' | 'admin' | 'optionalUser' | 'internal', SecurityRequirement[]> = {
  /** A signed-in caller, any role (a valid access token, not denied). */
  user: [{ bearerAuth: [] }],
  /** A signed-in admin. */
  admin: [{ bearerAuth: ['admin'] }],
  /** Anyone; a token, when sent, must be valid, and identifies the caller (guest pledges, reads). */
  optionalUser: [{}, { bearerAuth: [] }],
  /** Other services only: `X-Internal-Secret` (the gateway never forwards `/internal`). */
  internal: [{ internalSecret: [] }],
}

/** What a router needs to enforce the security its routes declare. */
export interface RouterAuth {
  verifier?: TokenVerifier
  internalSecret?: string
  /** Guards for schemes of a service's own (the sandbox's API key), by scheme name. */
  schemes?: Record<string, MiddlewareHandler<AppEnv>>
}

/**
 * The middleware that enforces a route's declared security: `[]` or none, nothing; a requirement
 * list containing `{}`, the optional form; otherwise the one requirement's scheme (with its roles
 * for `bearerAuth`). Anything else is refused at start-up, never silently left open.
 */
export function guardsFor(
  route: { method: string; path: string; security?: SecurityRequirement[] },
  auth: RouterAuth,
): MiddlewareHandler<AppEnv>[] {
  const security = route.security ?? []
  if (security.length === 0) return []
  const where = `${route.method.toUpperCase()} ${route.path}`
  const verifier = () => {
    if (!auth.verifier) throw new Error(`${where} declares bearerAuth but its router has no token verifier`)
    return auth.verifier
  }
  const optional = security.some((requirement) => Object.keys(requirement).length === 0)
  const required = security.filter((requirement) => Object.keys(requirement).length > 0)
  if (required.length !== 1 || Object.keys(required[0]!).length !== 1) {
    throw new Error(
      `${where}: declare one security scheme (optionally beside {}), not ${JSON.stringify(security)}`,
    )
  }
  const [scheme, scopes] = Object.entries(required[0]!)[0]!
  if (scheme === 'bearerAuth') {
    if (optional) {
      if (scopes.length > 0) throw new Error(`${where}: an optional caller cannot be limited to roles`)
      return [optionalAuth(verifier())]
    }
    return scopes.length === 0
      ? [requireAuth(verifier())]
      : [requireAuth(verifier()), requireRole(...(scopes as AuthUser['role'][]))]
  }
  if (optional) throw new Error(`${where}: only bearerAuth may be optional`)
  if (scheme === 'internalSecret') {
    if (!auth.internalSecret) throw new Error(`${where} declares internalSecret but its router has none`)
    return [requireInternalSecret(auth.internalSecret)]
  }
  const guard = auth.schemes?.[scheme]
  if (!guard) throw new Error(`${where} declares ${scheme} but its router has no guard for it`)
  return [guard]
}

/** Whether the caller is an admin or the owner named (a campaign's owner, a pledge's donor). */
export function isAdminOr(user: AuthUser | undefined, ownerId: string | null | undefined): boolean {
  return user !== undefined && (user.role === 'admin' || (ownerId != null && user.id === ownerId))
}
