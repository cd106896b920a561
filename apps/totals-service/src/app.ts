import { pingDb, type Sql } from '@careforall/db'
import { createApp } from '@careforall/http'
import type { Logger } from '@careforall/logger'
import type { Broker } from '@careforall/messaging'
import type { Env } from './env'

export interface Deps {
  env: Env
  logger: Logger
  sql: Sql
  broker: Broker
}

/** Builds the totals service's app; tests call this with their own database and vhost. */
export function buildApp(deps: Deps) {
  const app = createApp({
    service: 'totals-service',
    description: 'The campaign totals read model, fed by payment events, served from memory.',
    logger: deps.logger,
    readiness: {
      postgres: () => pingDb(deps.sql),
      rabbitmq: async () => deps.broker.isConnected(),
    },
  })
  return app
}
