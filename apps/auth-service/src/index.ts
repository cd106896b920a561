import { serviceMigrations, startService } from '@careforall/service'
import { buildApp } from './app'
import { env } from './env'
import { consumePaymentActions } from './events/payment-events'
import { authGauges } from './store/gauges'
import { ensureAdmin } from './usecases/users'

await startService({
  name: 'auth-service',
  schema: 'auth',
  env,
  migrations: [serviceMigrations(import.meta.dir)],
  gauges: authGauges,
  build: buildApp,
  workers: async ({ sql, broker, logger }, { accounts }) => {
    if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD)
      await ensureAdmin(accounts, env.ADMIN_EMAIL, env.ADMIN_PASSWORD)
    return [await consumePaymentActions({ broker, sql, logger })]
  },
  outboxRelay: true,
})
