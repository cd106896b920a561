import { openDatabase } from '@careforall/db'
import { createRedis, idempotencyMigrations, serve, startIdempotencyReaper } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import {
  connectBroker,
  messagingMigrations,
  startMessagingReaper,
  startOutboxRelay,
} from '@careforall/messaging'
import { buildApp } from './app'
import { env } from './env'
import { consumePaymentEvents } from './events/payment-events'

const logger = createLogger({ serviceName: 'pledge-service', level: env.LOG_LEVEL })
const sql = await openDatabase({
  url: env.DATABASE_URL,
  max: env.DATABASE_POOL_MAX,
  schema: 'pledge',
  migrations: [
    messagingMigrations,
    idempotencyMigrations,
    { module: 'service', dir: `${import.meta.dir}/../migrations` },
  ],
  logger,
})
const broker = await connectBroker({ url: env.RABBITMQ_URL, logger, name: 'pledge-service' })
const redis = createRedis(env.REDIS_URL, env.REDIS_PREFIX)
const app = buildApp({ env, logger, sql, broker, redis })
const relay = await startOutboxRelay({ sql, databaseUrl: env.DATABASE_URL, schema: 'pledge', broker, logger })
const consumer = await consumePaymentEvents({ broker, sql, logger })
const reaper = startIdempotencyReaper(sql)

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
    () => consumer.stop(),
    async () => reaper.stop(),
    () => relay.stop(),
    () => broker.close(),
    () => redis.quit(),
    () => sql.end({ timeout: 5 }),
  ],
})
