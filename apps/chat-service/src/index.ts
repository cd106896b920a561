import { openDatabase } from '@careforall/db'
import { createRedis, serve } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { connectBroker, messagingMigrations, startMessagingReaper } from '@careforall/messaging'
import { buildApp } from './app'
import { env } from './env'

const logger = createLogger({ serviceName: 'chat-service', level: env.LOG_LEVEL })
const sql = await openDatabase({
  url: env.DATABASE_URL,
  max: env.DATABASE_POOL_MAX,
  schema: 'chat',
  migrations: [messagingMigrations, { module: 'service', dir: `${import.meta.dir}/../migrations` }],
  logger,
})
const broker = await connectBroker({ url: env.RABBITMQ_URL, logger, name: 'chat-service' })
const redis = createRedis(env.REDIS_URL, env.REDIS_PREFIX)
const app = buildApp({ env, logger, sql, broker, redis })

const messagingReaper = startMessagingReaper({
  sql,
  logger,
  outboxRetentionHours: env.OUTBOX_RETENTION_HOURS,
  inboxRetentionHours: env.INBOX_RETENTION_HOURS,
})

serve({
  app,
  port: env.PORT,
  hostname: env.HOST,
  logger,
  exitWhenUnreadyMs: env.UNREADY_EXIT_AFTER_MS,
  onShutdown: [
    async () => messagingReaper.stop(),
    () => broker.close(),
    () => redis.quit(),
    () => sql.end({ timeout: 5 }),
  ],
})
