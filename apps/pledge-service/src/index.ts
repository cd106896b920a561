import { idempotencyMigrations, startIdempotencyReaper } from '@careforall/http'
import { startOutboxRelay } from '@careforall/messaging'
import { serviceMigrations, startService } from '@careforall/service'
import { buildApp } from './app'
import { env } from './env'
import { consumePaymentEvents } from './events/payment-events'

await startService({
  name: 'pledge-service',
  schema: 'pledge',
  env,
  migrations: [idempotencyMigrations, serviceMigrations(import.meta.dir)],
  build: (deps) => ({ app: buildApp(deps) }),
  workers: async ({ sql, broker, logger }) => [
    await consumePaymentEvents({ broker, sql, logger }),
    startIdempotencyReaper(sql),
    await startOutboxRelay({ sql, databaseUrl: env.DATABASE_URL, schema: 'pledge', broker, logger }),
  ],
})
