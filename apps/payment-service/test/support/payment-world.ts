import { createEvent, Events, Exchanges } from '@careforall/contracts'
import { createDb, openDatabase, type Sql } from '@careforall/db'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { startTestAuth, type TestAuth } from '@careforall/devkit/testing'
import { createRedis, idempotencyMigrations, type Redis, UnauthorizedError } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { type Broker, connectBroker, declareExchanges, messagingMigrations } from '@careforall/messaging'
import { buildApp, type PaymentService } from '../../src/app'
import { env as defaults, type Env } from '../../src/env'
import { PLEDGE_QUEUE } from '../../src/events/pledge-created'
import { startWorkers } from '../../src/workers'

export const INTERNAL = { 'x-internal-secret': defaults.INTERNAL_SERVICE_SECRET }

export interface PaymentWorld {
  world: TestResources
  env: Env
  /** The service's own pool (cfa_payment). */
  sql: Sql
  /** A superuser on the test database, for what no service may do (moving clocks back). */
  admin: Sql
  service: PaymentService
  /** The service listening on a real port: the sandbox calls it, and is called by it, over HTTP. */
  url: string
  auth: TestAuth | undefined
  workers: Awaited<ReturnType<typeof startWorkers>>
  /** Publishes a pledge.created envelope to pledge.events, as the pledge service's relay would. */
  pledge(
    overrides?: Partial<PledgeData>,
    amqpHeaders?: Record<string, string>,
  ): Promise<PledgeData & { eventId: string }>
  close(): Promise<void>
}

export interface PledgeData {
  pledgeId: string
  campaignId: string
  campaignOwnerId: string
  userId: string | null
  donorKey: string
  amountCents: number
  currency: 'USD'
  paymentMethod: string
  anonymous: boolean
}

/**
 * The payment service in-process on a free port, on its own database, vhost and Redis prefix,
 * with the sandbox inside it calling back its webhook route directly (no gateway), short delays
 * and backoffs, and optionally the real auth service beside it for tokens.
 */
export async function startPaymentWorld(
  overrides: Partial<Env> = {},
  options: { auth?: boolean } = {},
): Promise<PaymentWorld> {
  const world = await createTestResources()
  const auth = options.auth ? await startTestAuth(world) : undefined
  const logger = createLogger({ serviceName: 'payment-service', level: 'silent' })
  let fetchHandler: (req: Request) => Response | Promise<Response> = () => new Response(null, { status: 503 })
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: (req) => fetchHandler(req) })
  const url = `http://127.0.0.1:${server.port}`
  const env: Env = {
    ...defaults,
    NODE_ENV: 'test',
    DATABASE_URL: world.databaseUrl('payment'),
    SANDBOX_DATABASE_URL: world.databaseUrl('sandbox'),
    RABBITMQ_URL: world.rabbitmqUrl,
    REDIS_URL: world.redisUrl,
    REDIS_PREFIX: world.redisPrefix,
    AUTH_JWKS_URL: auth?.jwksUrl ?? 'http://127.0.0.1:9/jwks.json',
    SANDBOX_API_URL: url,
    SANDBOX_WEBHOOK_URL: `${url}/api/payments/webhooks/sandbox`,
    SANDBOX_CHAOS: '',
    SANDBOX_POLL_MS: 50,
    SANDBOX_RETRY_BASE_MS: 50,
    SANDBOX_RETRY_MAX_MS: 500,
    RECOVERY_SWEEP_INTERVAL_MS: 100,
    RECOVERY_LEASE_MS: 3000,
    PROVIDER_RETRY_BASE_MS: 50,
    WEBHOOK_APPLY_INTERVAL_MS: 100,
    EXPIRY_SWEEP_INTERVAL_MS: 3_600_000,
    FAULT_POINT: undefined,
    ...overrides,
  }
  const sql = await openDatabase({
    url: env.DATABASE_URL,
    schema: 'payment',
    migrations: [
      messagingMigrations,
      idempotencyMigrations,
      { module: 'service', dir: `${import.meta.dir}/../../migrations` },
    ],
    logger,
    max: 8,
  })
  const sandboxSql = await openDatabase({
    url: env.SANDBOX_DATABASE_URL,
    schema: 'sandbox',
    migrations: [{ module: 'sandbox', dir: `${import.meta.dir}/../../migrations/sandbox` }],
    logger,
    max: 4,
  })
  const admin = createDb({ url: world.adminUrl, schema: 'payment', max: 2 })
  const broker: Broker = await connectBroker({ url: world.rabbitmqUrl, logger, name: 'payment-test' })
  await broker.connection.waitForConnect()
  const redis: Redis = createRedis(world.redisUrl, world.redisPrefix)
  const service = buildApp({
    env,
    logger,
    sql,
    sandboxSql,
    broker,
    redis,
    ...(auth ? {} : { verifier: { verify: async () => Promise.reject(new UnauthorizedError()) } }),
  })
  fetchHandler = service.app.fetch
  const workers = await startWorkers({ env, logger, sql, broker, service })
  const channel = await broker.connection.createChannel()
  await declareExchanges(channel)
  // Publishing before the consumer declared its queue would drop the message: wait for it.
  for (let i = 0; ; i++) {
    const probe = await broker.connection.createChannel()
    const found = await probe.checkQueue(PLEDGE_QUEUE).then(
      () => true,
      () => false,
    )
    await probe.close().catch(() => undefined)
    if (found) break
    if (i > 100) throw new Error('the pledge consumer never declared its queue')
    await Bun.sleep(50)
  }

  const publishEvent = async (event: { id: string }, headers: Record<string, string>) => {
    channel.publish(Exchanges.pledge, Events.PledgeCreated, Buffer.from(JSON.stringify(event)), {
      messageId: event.id,
      persistent: true,
      type: Events.PledgeCreated,
      contentType: 'application/cloudevents+json; charset=utf-8',
      headers,
    })
  }

  return {
    world,
    env,
    sql,
    admin,
    service,
    url,
    auth,
    workers,
    pledge: async (overrides = {}, amqpHeaders = {}) => {
      const data: PledgeData = {
        pledgeId: Bun.randomUUIDv7(),
        campaignId: Bun.randomUUIDv7(),
        campaignOwnerId: Bun.randomUUIDv7(),
        userId: null,
        donorKey: `g:${Bun.randomUUIDv7().replaceAll('-', '')}`,
        amountCents: 2550,
        currency: 'USD',
        paymentMethod: 'pm_ok',
        anonymous: false,
        ...overrides,
      }
      const event = createEvent({
        id: Bun.randomUUIDv7(),
        source: 'pledge-service',
        type: Events.PledgeCreated,
        subject: data.pledgeId,
        data,
      })
      await publishEvent(event, amqpHeaders)
      return { ...data, eventId: event.id }
    },
    close: async () => {
      await workers.stop()
      server.stop(true)
      await channel.close().catch(() => undefined)
      await broker.close()
      redis.disconnect()
      await auth?.stop()
      await sql.end({ timeout: 2 })
      await sandboxSql.end({ timeout: 2 })
      await admin.end({ timeout: 2 })
      await world.cleanup()
    },
  }
}
