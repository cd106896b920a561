import { openDatabase } from '@careforall/db'
import { serve } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { connectBroker, messagingMigrations } from '@careforall/messaging'
import { buildApp } from './app'
import { env } from './env'

const logger = createLogger({ serviceName: 'campaign-service', level: env.LOG_LEVEL })
const sql = await openDatabase({
  url: env.DATABASE_URL,
  schema: 'campaign',
  migrations: [messagingMigrations, { module: 'service', dir: `${import.meta.dir}/../migrations` }],
  logger,
})
const broker = await connectBroker({ url: env.RABBITMQ_URL, logger, name: 'campaign-service' })
const app = buildApp({ env, logger, sql, broker })

serve({
  app,
  port: env.PORT,
  hostname: env.HOST,
  logger,
  onShutdown: [() => broker.close(), () => sql.end({ timeout: 5 })],
})
