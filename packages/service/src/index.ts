import {
  applicationNameOf,
  type DbGauge,
  type MigrationSet,
  observeDatabase,
  openDatabase,
  type Sql,
} from '@careforall/db'
import {
  createRedis,
  holdReadiness,
  idempotencyMigrations,
  type Redis,
  type RunningServer,
  releaseReadiness,
  type ServeOptions,
  serve,
  startIdempotencyReaper,
} from '@careforall/http'
import { createLogger, type Logger } from '@careforall/logger'
import {
  type Broker,
  connectBroker,
  messagingMigrations,
  startMessagingReaper,
  startOutboxRelay,
} from '@careforall/messaging'

/** What every service reads from its environment to start (see `serviceEnv` in packages/http). */
export interface StartEnv {
  PORT: number
  HOST: string
  LOG_LEVEL: string
  DATABASE_URL: string
  DATABASE_POOL_MAX: number
  RABBITMQ_URL: string
  REDIS_URL: string
  REDIS_PREFIX: string
  OUTBOX_RETENTION_HOURS: number
  INBOX_RETENTION_HOURS: number
  UNREADY_EXIT_AFTER_MS: number
}

/** What every service's app is built from: the one `Deps` shape (a service may add to it). */
export interface ServiceDeps<E> {
  env: E
  logger: Logger
  sql: Sql
  broker: Broker
  redis: Redis
}

/** Anything started beside the server that must stop on shutdown. */
export interface Stoppable {
  stop(): unknown
}

export interface ServiceDefinition<
  E extends StartEnv,
  D extends ServiceDeps<E>,
  B extends { app: ServeOptions['app'] },
> {
  /** `pledge-service`: names the logs, the broker connection and the spans. */
  name: string
  /** The schema the service's role owns. */
  schema: string
  env: E
  /** Applied after messaging's own (outbox, inbox) and idempotency's (when used), in order. */
  migrations: MigrationSet[]
  /** The service has (I) endpoints: its `idempotency_keys` table, and the reaper of expired keys. */
  idempotencyKeys?: boolean
  /** Pool size when it is not `DATABASE_POOL_MAX`. */
  poolMax?: number
  /** Business gauges read from the service's own tables when scraped (pledges by state). */
  gauges?: readonly DbGauge[]
  /** Opens what this service needs besides the common parts (the payment sandbox's pool). */
  extend?(deps: ServiceDeps<E>): Promise<{ deps: D; close(): Promise<unknown> }>
  /** Builds the app and whatever the workers need from it. */
  build(deps: D): B
  /**
   * Starts what runs besides HTTP (relay, consumers, sweepers, reapers), once the server listens;
   * `/ready` answers 503 until they have started. Stopped in the order given, on shutdown.
   */
  workers?(deps: D, built: B): Promise<Stoppable[]>
  /** Publishes what the service writes to its outbox: the relay starts after the workers, stops after them. */
  outboxRelay?: boolean
  /** Runs as soon as shutdown starts, before in-flight requests drain (totals ends its event streams). */
  onShutdownStart?(built: B): void
  /** More for `serve()`, from what `build` made: a WebSocket handler, a drain time. */
  serve?(built: B): Pick<ServeOptions, 'websocket' | 'drainMs'>
}

/** A service's own migrations, in `migrations/` beside its `src/`. */
export function serviceMigrations(srcDir: string): MigrationSet {
  return { module: 'service', dir: `${srcDir}/../migrations` }
}

/**
 * The start-up every service shares, so each `index.ts` only says what is its own: its database
 * (migrations applied under the advisory lock), the broker (not waited for), Redis, the app,
 * the server with its unready watchdog, the workers, the messaging reaper, and a graceful
 * shutdown that stops the workers before the pools close.
 */
export async function startService<
  E extends StartEnv,
  D extends ServiceDeps<E>,
  B extends { app: ServeOptions['app'] },
>(definition: ServiceDefinition<E, D, B>): Promise<{ built: B; deps: D; server: RunningServer }> {
  const { env, name } = definition
  const logger = createLogger({ serviceName: name, level: env.LOG_LEVEL })
  const sql = await openDatabase({
    url: env.DATABASE_URL,
    schema: definition.schema,
    migrations: [
      messagingMigrations,
      ...(definition.idempotencyKeys ? [idempotencyMigrations] : []),
      ...definition.migrations,
    ],
    logger,
    max: definition.poolMax ?? env.DATABASE_POOL_MAX,
  })
  const dbMetrics = observeDatabase(sql, {
    applicationName: applicationNameOf(definition.schema),
    poolMax: definition.poolMax ?? env.DATABASE_POOL_MAX,
    gauges: definition.gauges ?? [],
  })
  const broker = await connectBroker({ url: env.RABBITMQ_URL, logger, name })
  const redis = createRedis(env.REDIS_URL, env.REDIS_PREFIX)
  const base: ServiceDeps<E> = { env, logger, sql, broker, redis }
  const extended = definition.extend ? await definition.extend(base) : undefined
  const deps = (extended?.deps ?? base) as D
  const built = definition.build(deps)
  const workers: Stoppable[] = []
  const messagingReaper = startMessagingReaper({
    sql,
    logger,
    outboxRetentionHours: env.OUTBOX_RETENTION_HOURS,
    inboxRetentionHours: env.INBOX_RETENTION_HOURS,
  })

  if (definition.onShutdownStart) {
    for (const signal of ['SIGTERM', 'SIGINT'] as const) {
      process.once(signal, () => definition.onShutdownStart!(built))
    }
  }
  holdReadiness()
  // Listening before the workers start: the payment code calls its sandbox on this very port.
  const server = serve({
    app: built.app,
    port: env.PORT,
    hostname: env.HOST,
    logger,
    exitWhenUnreadyMs: env.UNREADY_EXIT_AFTER_MS,
    ...definition.serve?.(built),
    onShutdown: [
      async () => {
        for (const worker of workers) await worker.stop()
      },
      async () => messagingReaper.stop(),
      async () => dbMetrics.stop(),
      () => broker.close(),
      () => redis.quit(),
      () => sql.end({ timeout: 5 }),
      ...(extended ? [() => extended.close()] : []),
    ],
  })
  if (definition.idempotencyKeys) workers.push(startIdempotencyReaper(sql))
  workers.push(...((await definition.workers?.(deps, built)) ?? []))
  if (definition.outboxRelay) {
    workers.push(
      await startOutboxRelay({
        sql,
        databaseUrl: env.DATABASE_URL,
        schema: definition.schema,
        broker,
        logger,
      }),
    )
  }
  releaseReadiness()
  return { built, deps, server }
}
