import { openDatabase } from '@careforall/db'
import { serviceMigrations, startService } from '@careforall/service'
import { buildApp } from './app'
import { env } from './env'
import { paymentGauges } from './store/gauges'
import { startWorkers } from './workers'

await startService({
  name: 'payment-service',
  schema: 'payment',
  env,
  migrations: [serviceMigrations(import.meta.dir)],
  gauges: paymentGauges,
  idempotencyKeys: true,
  // Consumer deliveries, webhook applies and provider-call phases all run at once under load.
  poolMax: 2 * env.DATABASE_POOL_MAX,
  // The sandbox provider's own pool, on its own role and schema: the payment code cannot read it.
  extend: async (deps) => {
    const sandboxSql = await openDatabase({
      url: env.SANDBOX_DATABASE_URL,
      schema: 'sandbox',
      migrations: [{ module: 'sandbox', dir: `${import.meta.dir}/../migrations/sandbox` }],
      logger: deps.logger,
      max: env.DATABASE_POOL_MAX,
    })
    return { deps: { ...deps, sandboxSql }, close: () => sandboxSql.end({ timeout: 5 }) }
  },
  build: buildApp,
  workers: async (deps, service) => [await startWorkers({ ...deps, service })],
  outboxRelay: true,
})
