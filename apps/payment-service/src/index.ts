import { openDatabase } from '@careforall/db'
import { serve } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { connectBroker, messagingMigrations } from '@careforall/messaging'
import { buildApp } from './app'
import { env } from './env'

const logger = createLogger({ serviceName: 'payment-service', level: env.LOG_LEVEL })
const sql = await openDatabase({
  url: env.DATABASE_URL,
  schema: 'payment',
  migrations: [messagingMigrations, { module: 'service', dir: `${import.meta.dir}/../migrations` }],
  logger,
})
const sandboxSql = await openDatabase({
  url: env.SANDBOX_DATABASE_URL,
  schema: 'sandbox',
  migrations: [{ module: 'sandbox', dir: `${import.meta.dir}/../migrations/sandbox` }],
  logger,
  max: 4,
})
const broker = await connectBroker({ url: env.RABBITMQ_URL, logger, name: 'payment-service' })
const app = buildApp({ env, logger, sql, sandboxSql, broker })

serve({
  app,
  port: env.PORT,
  hostname: env.HOST,
  logger,
  onShutdown: [() => broker.close(), () => sql.end({ timeout: 5 }), () => sandboxSql.end({ timeout: 5 })],
})
