import { serviceMigrations, startService } from '@careforall/service'
import { buildApp } from './app'
import { env } from './env'
import { consumePaymentEvents } from './events/payment-events'
import { pledgeGauges } from './store/gauges'

await startService({
  name: 'pledge-service',
  schema: 'pledge',
  env,
  migrations: [serviceMigrations(import.meta.dir)],
  gauges: pledgeGauges,
  idempotencyKeys: true,
  build: (deps) => ({ app: buildApp(deps) }),
  workers: async ({ sql, broker, logger }) => [await consumePaymentEvents({ broker, sql, logger })],
  outboxRelay: true,
})
