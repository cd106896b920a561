import type { Sql } from '@careforall/db'
import { createApp, dependencyChecks, type Redis } from '@careforall/http'
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

/** Builds the chat service's app; tests call this with their own database and vhost. */
export function buildApp(deps: Deps) {
  const app = createApp({
    service: 'chat-service',
    description: 'Campaign chat rooms over WebSocket, with history and presence.',
    logger: deps.logger,
    readiness: dependencyChecks(deps),
  })
  return app
}
