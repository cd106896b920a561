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

/** Builds the campaign service's app; tests call this with their own database and vhost. */
export function buildApp(deps: Deps) {
  const app = createApp({
    service: 'campaign-service',
    description: 'Fundraising campaigns: create, list, search, update and their lifecycle.',
    logger: deps.logger,
    readiness: {
      postgres: () => pingDb(deps.sql),
      rabbitmq: async () => deps.broker.isConnected(),
    },
  })
  return app
}
