import { openDatabase } from '@careforall/db'
import { createRedis, serve } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import {
  connectBroker,
  messagingMigrations,
  startMessagingReaper,
  startOutboxRelay,
} from '@careforall/messaging'
import { buildApp } from './app'
import { env } from './env'
import { consumePaymentActions } from './events/payment-events'

const logger = createLogger({ serviceName: 'auth-service', level: env.LOG_LEVEL })
const sql = await openDatabase({
  url: env.DATABASE_URL,
  max: env.DATABASE_POOL_MAX,
  schema: 'auth',
  migrations: [messagingMigrations, { module: 'service', dir: `${import.meta.dir}/../migrations` }],
  logger,
})
const broker = await connectBroker({ url: env.RABBITMQ_URL, logger, name: 'auth-service' })
const redis = createRedis(env.REDIS_URL, env.REDIS_PREFIX)
const { app, accounts } = buildApp({ env, logger, sql, broker, redis })
const relay = await startOutboxRelay({ sql, databaseUrl: env.DATABASE_URL, schema: 'auth', broker, logger })
if (env.ADMIN_EMAIL && env.ADMIN_PASSWORD) await accounts.ensureAdmin(env.ADMIN_EMAIL, env.ADMIN_PASSWORD)
const paymentActions = await consumePaymentActions({ broker, sql, logger })

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
    () => paymentActions.stop(),
    () => relay.stop(),
    () => broker.close(),
    () => redis.quit(),
    () => sql.end({ timeout: 5 }),
  ],
})
