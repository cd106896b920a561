import type { Sql } from '@careforall/db'
import {
  type AppEnv,
  clientIp,
  createRouter,
  type Redis,
  rateLimit,
  requireAuth,
  type TokenVerifier,
} from '@careforall/http'
import type { Logger } from '@careforall/logger'
import type { Context } from 'hono'
import type { Accounts } from '../../accounts'
import { normalizeEmail } from '../../domain/secrets'
import type { Env } from '../../env'
import type { KeyRing } from '../../keys'
import { authHandlers } from './auth.handlers'
import * as routes from './auth.routes'

export interface AuthRouterDeps {
  env: Env
  accounts: Accounts
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
  const byIp = (c: Context<AppEnv>) => clientIp(c)
  const handlers = authHandlers(deps)
  const router = createRouter()
  const signedIn = requireAuth(deps.verifier)

  router.use(routes.register.path, limit('register-ip', env.REGISTER_LIMIT_PER_IP, byIp))
  router.use(
    routes.login.path,
    limit('login-ip', env.LOGIN_LIMIT_PER_IP, byIp),
    limit('login-account', env.LOGIN_LIMIT_PER_ACCOUNT, accountOf),
  )
  router.use(
    routes.forgotPassword.path,
    limit('reset-ip', env.RESET_LIMIT_PER_IP, byIp),
    limit('reset-account', env.RESET_LIMIT_PER_ACCOUNT, accountOf),
  )
  router.use(routes.resetPassword.path, limit('reset-ip', env.RESET_LIMIT_PER_IP, byIp))
  router.use(routes.me.path, signedIn)
  router.use('/api/auth/sessions', signedIn)
  router.use('/api/auth/sessions/*', signedIn)

  return router
    .openapi(routes.register, handlers.register)
    .openapi(routes.login, handlers.login)
    .openapi(routes.refresh, handlers.refresh)
    .openapi(routes.logout, handlers.logout)
    .openapi(routes.me, handlers.me)
    .openapi(routes.sessions, handlers.sessions)
    .openapi(routes.revokeSession, handlers.revokeSession)
    .openapi(routes.forgotPassword, handlers.forgotPassword)
    .openapi(routes.resetPassword, handlers.resetPassword)
    .openapi(routes.jwks, handlers.jwks)
}
