import { serviceMigrations, startService } from '@careforall/service'
import { buildApp } from './app'
import { env } from './env'
import { consumePaymentEvents } from './events/payment-events'

await startService({
  name: 'pledge-service',
  schema: 'pledge',
  env,
  migrations: [serviceMigrations(import.meta.dir)],
  idempotencyKeys: true,
  build: (deps) => ({ app: buildApp(deps) }),
  workers: async ({ sql, broker, logger }) => [await consumePaymentEvents({ broker, sql, logger })],
  outboxRelay: true,
})
