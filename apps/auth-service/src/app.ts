import { pingDb, type Sql } from '@careforall/db'
import { createApp, pingRedis, type Redis } from '@careforall/http'
import type { Logger } from '@careforall/logger'
import type { Broker } from '@careforall/messaging'
import type { Env } from './env'

export interface Deps {
  env: Env
  logger: Logger
  sql: Sql
  broker: Broker
  redis: Redis
}

/** Builds the auth service's app; tests call this with their own database and vhost. */
export function buildApp(deps: Deps) {
  const app = createApp({
    service: 'auth-service',
    description: 'Users, sessions and tokens: registration, login, refresh, password reset, JWKS.',
    logger: deps.logger,
    readiness: {
      postgres: () => pingDb(deps.sql),
      rabbitmq: async () => deps.broker.isConnected(),
      redis: () => pingRedis(deps.redis),
    },
  })
  return app
}
