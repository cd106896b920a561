import { openDatabase } from '@careforall/db'
import { createRedis, serve } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { connectBroker, messagingMigrations, startMessagingReaper } from '@careforall/messaging'
import { env } from './env'
import { startTotals } from './service'

const logger = createLogger({ serviceName: 'totals-service', level: env.LOG_LEVEL })
const sql = await openDatabase({
  url: env.DATABASE_URL,
  max: env.DATABASE_POOL_MAX,
  schema: 'totals',
  migrations: [messagingMigrations, { module: 'service', dir: `${import.meta.dir}/../migrations` }],
  logger,
})
const broker = await connectBroker({ url: env.RABBITMQ_URL, logger, name: 'totals-service' })
const redis = createRedis(env.REDIS_URL, env.REDIS_PREFIX)
const totals = await startTotals({ env, logger, sql, broker, redis })

const messagingReaper = startMessagingReaper({
  sql,
  logger,
  outboxRetentionHours: env.OUTBOX_RETENTION_HOURS,
  inboxRetentionHours: env.INBOX_RETENTION_HOURS,
})

serve({
  app: totals.app,
  port: env.PORT,
  hostname: env.HOST,
  logger,
  exitWhenUnreadyMs: env.UNREADY_EXIT_AFTER_MS,
  onShutdown: [
    async () => messagingReaper.stop(),
    () => totals.stop(),
    () => broker.close(),
    () => redis.quit(),
    () => sql.end({ timeout: 5 }),
  ],
})
// Event streams never finish by themselves: end them as soon as shutdown starts, so the drain is
// not held up and their clients reconnect (with Last-Event-ID) to another instance.
for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  process.once(signal, () => totals.cache.subscribers.closeAll())
}
