import type { Sql } from '@careforall/db'
import {
  type AppEnv,
  clientIp,
  createRouter,
  type Redis,
  rateLimit,
  type TokenVerifier,
  trustProxies,
  withMiddleware,
} from '@careforall/http'
import type { Logger } from '@careforall/logger'
import type { Context } from 'hono'
import { normalizeEmail } from '../../domain/secrets'
import type { Env } from '../../env'
import type { KeyRing } from '../../keys'
import type { AccountsDeps } from '../../usecases/accounts'
import { authHandlers } from './auth.handlers'
import * as routes from './auth.routes'

export interface AuthRouterDeps {
  env: Env
  accounts: AccountsDeps
  keys: KeyRing
  sql: Sql
  redis: Redis
  logger: Logger
  verifier: TokenVerifier
}

/** The email a request is about, for per-account limits (undefined when the body has none). */
async function accountOf(c: Context<AppEnv>): Promise<string | undefined> {
  const body = (await c.req.json().catch(() => undefined)) as { email?: unknown } | undefined
  return typeof body?.email === 'string' ? normalizeEmail(body.email) : undefined
}

export function authRouter(deps: AuthRouterDeps) {
  const { env } = deps
  const windowMs = env.RATE_LIMIT_WINDOW_SECONDS * 1000
  const limit = (
    name: string,
    max: number,
    key: (c: Context<AppEnv>) => Promise<string | undefined> | string | undefined,
  ) => rateLimit({ redis: deps.redis, logger: deps.logger, name, limit: max, windowMs, key })
  const trust = trustProxies(env.TRUSTED_PROXIES)
  const byIp = (c: Context<AppEnv>) => clientIp(c, trust)
  const handlers = authHandlers({ ...deps, trust })
  // Rate limits go with their routes, like the declared security, never by a path string.
  return createRouter({ verifier: deps.verifier })
    .openapi(
      withMiddleware(routes.register, limit('register-ip', env.REGISTER_LIMIT_PER_IP, byIp)),
      handlers.register,
    )
    .openapi(
      withMiddleware(
        routes.login,
        limit('login-ip', env.LOGIN_LIMIT_PER_IP, byIp),
        limit('login-account', env.LOGIN_LIMIT_PER_ACCOUNT, accountOf),
      ),
      handlers.login,
    )
    .openapi(routes.refresh, handlers.refresh)
    .openapi(routes.logout, handlers.logout)
    .openapi(routes.me, handlers.me)
    .openapi(routes.sessions, handlers.sessions)
    .openapi(routes.revokeSession, handlers.revokeSession)
    .openapi(
      withMiddleware(
        routes.forgotPassword,
        limit('reset-ip', env.RESET_LIMIT_PER_IP, byIp),
        limit('reset-account', env.RESET_LIMIT_PER_ACCOUNT, accountOf),
      ),
      handlers.forgotPassword,
    )
    .openapi(
      withMiddleware(routes.resetPassword, limit('reset-ip', env.RESET_LIMIT_PER_IP, byIp)),
      handlers.resetPassword,
    )
    .openapi(routes.jwks, handlers.jwks)
}
