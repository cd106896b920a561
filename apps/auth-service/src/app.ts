import { createApp, createTokenVerifier, dependencyChecks } from '@careforall/http'
import type { ServiceDeps } from '@careforall/service'
import type { Env } from './env'
import { KeyRing } from './keys'
import { authRouter } from './routes/auth/auth.index'
import { usersRouter } from './routes/users/users.index'
import type { AccountsDeps } from './usecases/accounts'

/** What the app is built from: the common parts every service has. */
export type Deps = ServiceDeps<Env>

/** Builds the auth service's app; tests call this with their own database, vhost and Redis prefix. */
export function buildApp(deps: Deps) {
  const keys = new KeyRing(deps.sql)
  const accounts: AccountsDeps = {
    sql: deps.sql,
    redis: deps.redis,
    keys,
    logger: deps.logger,
    refreshTtlDays: deps.env.REFRESH_TOKEN_TTL_DAYS,
    resetTtlMinutes: deps.env.RESET_TOKEN_TTL_MINUTES,
    publicUrl: deps.env.PUBLIC_URL,
    production: deps.env.NODE_ENV === 'production',
  }
  // The auth service verifies its own tokens with the keys it holds: no HTTP call to itself.
  const verifier = createTokenVerifier({ keys: keys.getKey, redis: deps.redis, logger: deps.logger })
  const app = createApp({
    service: 'auth-service',
    description: 'Users, sessions and tokens: registration, login, refresh, password reset, JWKS.',
    logger: deps.logger,
    readiness: dependencyChecks(deps),
  })
  app.route('/', authRouter({ ...deps, accounts, keys, verifier }))
  app.route('/', usersRouter({ sql: deps.sql, accounts, verifier }))
  return { app, accounts, keys }
}
