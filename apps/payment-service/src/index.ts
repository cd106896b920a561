import { openDatabase } from '@careforall/db'
import { createRedis, idempotencyMigrations, serve } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { connectBroker, messagingMigrations } from '@careforall/messaging'
import { buildApp } from './app'
import { env } from './env'
import { startWorkers } from './workers'

const logger = createLogger({ serviceName: 'payment-service', level: env.LOG_LEVEL })
const sql = await openDatabase({
  url: env.DATABASE_URL,
  schema: 'payment',
  migrations: [
    messagingMigrations,
    idempotencyMigrations,
    { module: 'service', dir: `${import.meta.dir}/../migrations` },
  ],
  logger,
  // Consumer deliveries, webhook applies and provider-call phases all run at once under load.
  max: 2 * env.DATABASE_POOL_MAX,
})
const sandboxSql = await openDatabase({
  url: env.SANDBOX_DATABASE_URL,
  schema: 'sandbox',
  migrations: [{ module: 'sandbox', dir: `${import.meta.dir}/../migrations/sandbox` }],
  logger,
  max: env.DATABASE_POOL_MAX,
})
const broker = await connectBroker({ url: env.RABBITMQ_URL, logger, name: 'payment-service' })
const redis = createRedis(env.REDIS_URL, env.REDIS_PREFIX)
const service = buildApp({ env, logger, sql, sandboxSql, broker, redis })
let workers: Awaited<ReturnType<typeof startWorkers>> | undefined

// Listening first: the payment code calls the sandbox over HTTP on this very port.
serve({
  app: service.app,
  port: env.PORT,
  hostname: env.HOST,
  logger,
  exitWhenUnreadyMs: env.UNREADY_EXIT_AFTER_MS,
  onShutdown: [
    async () => workers?.stop(),
    () => broker.close(),
    () => redis.quit(),
    () => sql.end({ timeout: 5 }),
    () => sandboxSql.end({ timeout: 5 }),
  ],
})
workers = await startWorkers({ env, logger, sql, broker, service })
