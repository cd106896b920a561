import { openDatabase, type Sql } from '@careforall/db'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { createRedis } from '@careforall/http'
import { createLogger, type Logger } from '@careforall/logger'
import { type Broker, connectBroker, messagingMigrations } from '@careforall/messaging'
import { env as defaults, type Env } from '../../src/env'
import { PAYMENT_EVENTS_QUEUE } from '../../src/events/payment-events'
import { type RunningTotals, startTotals } from '../../src/workers'
import { countedSql } from './counted-sql'
import { createPublisher } from './events'
import { type SummaryStandIn, startSummaryStandIn } from './summary-stand-in'

export const INTERNAL_SECRET = 'test-internal-secret-0123456789'

export interface Instance {
  totals: RunningTotals
  app: RunningTotals['app']
  cache: RunningTotals['cache']
  sql: Sql
  broker: Broker
  /** SQL statements this instance's pool was asked to run since it started. */
  queries(): number
  /** Serves it with Bun.serve on a real port (the stream needs one); returns its base URL. */
  serve(options?: { idleTimeout?: number }): string
  stop(): Promise<void>
}

export interface TotalsWorld {
  resources: TestResources
  logger: Logger
  env: Env
  summary: SummaryStandIn
  /** A pool on the totals schema for assertions (not counted against any instance). */
  sql: Sql
  publish: Awaited<ReturnType<typeof createPublisher>>['publish']
  /** A totals instance in this process, with its own pool, broker connection and fan-out queue. */
  start(options?: { consume?: boolean; env?: Partial<Env> }): Promise<Instance>
  close(): Promise<void>
}

/** One test file's world: its own database and vhost, the payment summary stand-in, a publisher. */
export async function createTotalsWorld(): Promise<TotalsWorld> {
  const resources = await createTestResources()
  const logger = createLogger({ serviceName: 'totals-service', level: 'silent' })
  const open = (max: number) =>
    openDatabase({
      url: resources.databaseUrl('totals'),
      schema: 'totals',
      migrations: [messagingMigrations, { module: 'service', dir: `${import.meta.dir}/../../migrations` }],
      logger,
      max,
    })
  const sql = await open(2)
  const summary = startSummaryStandIn(INTERNAL_SECRET)
  const env: Env = {
    ...defaults,
    NODE_ENV: 'test',
    INTERNAL_SERVICE_SECRET: INTERNAL_SECRET,
    AUTH_JWKS_URL: 'http://127.0.0.1:9/jwks.json',
    PAYMENT_SERVICE_URL: summary.url,
    RECONCILE_INTERVAL_MS: 0,
    RECONCILE_SETTLE_MS: 0,
    CACHE_REFRESH_MS: 10 * 60_000,
  }
  const brokers: Broker[] = []
  const connect = async (name: string) => {
    const broker = await connectBroker({ url: resources.rabbitmqUrl, logger, name })
    brokers.push(broker)
    await broker.connection.waitForConnect()
    return broker
  }
  const publisher = await createPublisher(await connect('totals-test-publisher'))
  const instances: Instance[] = []

  return {
    resources,
    logger,
    env,
    summary,
    sql,
    publish: publisher.publish,
    start: async (options = {}) => {
      const pool = countedSql(await open(4))
      const broker = await connect(`totals-test-${instances.length}`)
      const redis = createRedis(resources.redisUrl, resources.redisPrefix)
      const totals = await startTotals({
        env: { ...env, ...options.env },
        logger,
        sql: pool.sql,
        broker,
        redis,
        ...(options.consume === undefined ? {} : { consume: options.consume }),
      })
      let server: Bun.Server<unknown> | undefined
      const instance: Instance = {
        totals,
        app: totals.app,
        cache: totals.cache,
        sql: pool.sql,
        broker,
        queries: pool.count,
        serve: ({ idleTimeout } = {}) => {
          server ??= Bun.serve({
            port: 0,
            hostname: '127.0.0.1',
            fetch: totals.app.fetch,
            ...(idleTimeout ? { idleTimeout } : {}),
          })
          return `http://127.0.0.1:${server.port}`
        },
        stop: async () => {
          await totals.stop()
          server?.stop(true)
          redis.disconnect()
          await pool.sql.end({ timeout: 1 })
        },
      }
      instances.push(instance)
      return instance
    },
    close: async () => {
      await Promise.all(instances.map((instance) => instance.stop().catch(() => undefined)))
      await publisher.close()
      await Promise.all(brokers.map((broker) => broker.close()))
      summary.stop()
      await sql.end({ timeout: 1 })
      await resources.cleanup()
    },
  }
}

/** Polls until `check` holds, or fails with what it last saw. */
export async function waitFor<T>(
  read: () => Promise<T> | T,
  check: (value: T) => boolean,
  timeoutMs = 10_000,
  everyMs = 10,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`)
    await Bun.sleep(everyMs)
  }
}

/** Waits until the durable consumer has applied every one of these events (the inbox holds them). */
export function applied(sql: Sql, eventIds: string[], timeoutMs = 10_000, everyMs = 10): Promise<number> {
  return waitFor(
    async () => {
      const [row] = await sql<{ n: number }[]>`
        select count(*)::int as n from inbox where consumer = ${PAYMENT_EVENTS_QUEUE} and event_id = any(${eventIds}::text[])`
      return row!.n
    },
    (n) => n === new Set(eventIds).size,
    timeoutMs,
    everyMs,
  )
}

/** The stored totals of a campaign, in cents, straight from the table. */
export async function storedTotals(sql: Sql, campaignId: string) {
  const [row] = await sql<
    { totalAmount: string; totalPledges: number; totalDonors: number; version: string }[]
  >`
    select total_amount, total_pledges, total_donors, version from campaign_totals where campaign_id = ${campaignId}`
  return row
}
