import { pingDb, type Sql } from '@careforall/db'
import { createApp } from '@careforall/http'
import type { Logger } from '@careforall/logger'
import type { Broker } from '@careforall/messaging'
import type { Env } from './env'

export interface Deps {
  env: Env
  logger: Logger
  sql: Sql
  /** The sandbox provider's own pool (its schema and role), used only by src/sandbox. */
  sandboxSql: Sql
  broker: Broker
}

/** Builds the payment service's app; tests call this with their own database and vhost. */
export function buildApp(deps: Deps) {
  const app = createApp({
    service: 'payment-service',
    description:
      'Payments with the provider: authorize, capture, refund, webhooks; hosts the payments sandbox.',
    logger: deps.logger,
    readiness: {
      postgres: () => pingDb(deps.sql),
      'sandbox-db': () => pingDb(deps.sandboxSql),
      rabbitmq: async () => deps.broker.isConnected(),
    },
  })
  return app
}
