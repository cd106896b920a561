import type { Sql } from '@careforall/db'
import {
  ACCESS_TOKEN_TTL_SECONDS,
  type AppEnv,
  type AppRouteHandler,
  clientIp,
  NotFoundError,
  type TrustProxy,
} from '@careforall/http'
import type { Context } from 'hono'
import type { KeyRing } from '../../keys'
import { listActiveSessions } from '../../store/sessions'
import { findUserById } from '../../store/users'
import type { AccountsDeps, ClientMeta } from '../../usecases/accounts'
import { forgotPassword as forgot, resetPassword as reset } from '../../usecases/passwords'
import * as sessionsOf from '../../usecases/sessions'
import { toUser } from '../schemas'
import type * as routes from './auth.routes'

export interface AuthHandlerDeps {
  accounts: AccountsDeps
  keys: KeyRing
  sql: Sql
  /** Whose X-Forwarded-For names the client (TRUSTED_PROXIES). */
  trust: TrustProxy
}

function meta(c: Context<AppEnv>, trust: TrustProxy): ClientMeta {
  return { ip: clientIp(c, trust), userAgent: c.req.header('user-agent') }
}

function result(outcome: { user: Parameters<typeof toUser>[0]; accessToken: string; refreshToken: string }) {
  return {
    user: toUser(outcome.user),
    accessToken: outcome.accessToken,
    refreshToken: outcome.refreshToken,
    tokenType: 'Bearer' as const,
    expiresIn: ACCESS_TOKEN_TTL_SECONDS,
  }
}

export function authHandlers({ accounts, keys, sql, trust }: AuthHandlerDeps) {
  const register: AppRouteHandler<routes.RegisterRoute> = async (c) =>
    c.json(result(await sessionsOf.register(accounts, c.req.valid('json'), meta(c, trust))), 201)

  const login: AppRouteHandler<routes.LoginRoute> = async (c) =>
    c.json(result(await sessionsOf.login(accounts, c.req.valid('json'), meta(c, trust))), 200)

  const refresh: AppRouteHandler<routes.RefreshRoute> = async (c) =>
    c.json(result(await sessionsOf.refresh(accounts, c.req.valid('json').refreshToken)), 200)

  const logout: AppRouteHandler<routes.LogoutRoute> = async (c) => {
    await sessionsOf.logout(accounts, c.req.valid('json').refreshToken)
    return c.body(null, 204)
  }

  const me: AppRouteHandler<routes.MeRoute> = async (c) => {
    const user = await findUserById(sql, c.get('user')!.id)
    if (!user) throw new NotFoundError('No such user')
    return c.json(toUser(user), 200)
  }

  const sessions: AppRouteHandler<routes.SessionsRoute> = async (c) => {
    const caller = c.get('user')!
    const rows = await listActiveSessions(sql, caller.id)
    const items = rows.map((row) => ({
      id: row.id,
      createdAt: row.createdAt.toISOString(),
      lastUsedAt: row.lastUsedAt.toISOString(),
      expiresAt: row.expiresAt.toISOString(),
      userAgent: row.userAgent,
      ip: row.ip,
      current: row.id === caller.sessionId,
    }))
    return c.json({ items }, 200)
  }

  const revokeSession: AppRouteHandler<routes.RevokeSessionRoute> = async (c) => {
    await sessionsOf.revokeSession(accounts, c.get('user')!.id, c.req.valid('param').id)
    return c.body(null, 204)
  }

  const forgotPassword: AppRouteHandler<routes.ForgotPasswordRoute> = async (c) => {
    await forgot(accounts, c.req.valid('json').email)
    return c.body(null, 202)
  }

  const resetPassword: AppRouteHandler<routes.ResetPasswordRoute> = async (c) => {
    const { token, password } = c.req.valid('json')
    await reset(accounts, token, password)
    return c.body(null, 204)
  }

  const jwks: AppRouteHandler<routes.JwksRoute> = async (c) => {
    c.header('cache-control', 'public, max-age=300')
    return c.json((await keys.publicKeys()) as { keys: { kid: string; kty: string; alg: string }[] }, 200)
  }

  return {
    register,
    login,
    refresh,
    logout,
    me,
    sessions,
    revokeSession,
    forgotPassword,
    resetPassword,
    jwks,
  }
}
