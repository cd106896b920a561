import { createEvent, type EventData, type Events, Exchanges } from '@careforall/contracts'
import { openDatabase, type Sql } from '@careforall/db'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import {
  type RunningService,
  spawnService,
  startTestAuth,
  type TestAuth,
  type TestSession,
  worldEnv,
} from '@careforall/devkit/testing'
import { createRedis, idempotencyMigrations, type Redis } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { type Broker, connectBroker, messagingMigrations } from '@careforall/messaging'
import amqp from 'amqplib'
import { buildApp } from '../../src/app'
import { env as defaults } from '../../src/env'
import { consumePaymentEvents } from '../../src/events/payment-events'

export interface PledgeWorld {
  app: ReturnType<typeof buildApp>
  sql: Sql
  auth: TestAuth
  campaignService: RunningService
  world: TestResources
  /** A campaign owned by a fresh donor, moved to the given status through the campaign service. */
  campaign(status?: 'DRAFT' | 'ACTIVE' | 'PAUSED'): Promise<{ id: string; owner: TestSession }>
  /** Publishes a payment event to payment.events as the payment service would. */
  paymentEvent<T extends PaymentType>(type: T, data: Record<string, unknown>, id?: string): Promise<string>
  close(): Promise<void>
}

type PaymentType = (typeof Events)[
  | 'PaymentAuthorized'
  | 'PaymentCaptured'
  | 'PaymentFailed'
  | 'PaymentRefunded']

/** The pledge service in-process (with its consumer), beside the real auth and campaign services. */
export async function startPledges(): Promise<PledgeWorld> {
  const world = await createTestResources()
  const auth = await startTestAuth(world)
  const campaignService = await spawnService('campaign', {
    ...worldEnv(world, 'campaign'),
    AUTH_JWKS_URL: auth.jwksUrl,
  })
  const logger = createLogger({ serviceName: 'pledge-service', level: 'silent' })
  const sql = await openDatabase({
    url: world.databaseUrl('pledge'),
    schema: 'pledge',
    migrations: [
      messagingMigrations,
      idempotencyMigrations,
      { module: 'service', dir: `${import.meta.dir}/../../migrations` },
    ],
    logger,
    max: 20,
  })
  const broker: Broker = await connectBroker({ url: world.rabbitmqUrl, logger, name: 'pledge-test' })
  const redis: Redis = createRedis(world.redisUrl, world.redisPrefix)
  const env = {
    ...defaults,
    NODE_ENV: 'test' as const,
    AUTH_JWKS_URL: auth.jwksUrl,
    CAMPAIGN_SERVICE_URL: campaignService.url,
  }
  const app = buildApp({ env, logger, sql, broker, redis })
  const consumer = await consumePaymentEvents({ broker, sql, logger, retryDelaysMs: [100, 200] })
  const publisher = await amqp.connect(world.rabbitmqUrl)
  const channel = await publisher.createConfirmChannel()
  await channel.assertExchange(Exchanges.payment, 'topic', { durable: true })

  return {
    app,
    sql,
    auth,
    campaignService,
    world,
    campaign: async (status = 'ACTIVE') => {
      const owner = await auth.donor('owner')
      const json = { ...owner.headers, 'content-type': 'application/json' }
      const res = await fetch(`${campaignService.url}/api/campaigns`, {
        method: 'POST',
        headers: json,
        body: JSON.stringify({
          title: 'A campaign to give to',
          description: 'For the pledge tests.',
          goalAmount: 5000,
          startDate: new Date(Date.now() - 86_400_000).toISOString(),
          endDate: new Date(Date.now() + 30 * 86_400_000).toISOString(),
        }),
      })
      const { id } = (await res.json()) as { id: string }
      const path = { DRAFT: [], ACTIVE: ['ACTIVE'], PAUSED: ['ACTIVE', 'PAUSED'] }[status]
      for (const next of path) {
        await fetch(`${campaignService.url}/api/campaigns/${id}`, {
          method: 'PATCH',
          headers: json,
          body: JSON.stringify({ status: next }),
        })
      }
      return { id, owner }
    },
    paymentEvent: async (type, data, id = Bun.randomUUIDv7()) => {
      // Validated against the catalog by createEvent: a malformed test event fails here.
      const event = createEvent({ id, source: 'payment-service', type, data: data as EventData<typeof type> })
      channel.publish(Exchanges.payment, type, Buffer.from(JSON.stringify(event)), {
        messageId: id,
        persistent: true,
      })
      await channel.waitForConfirms()
      return id
    },
    close: async () => {
      await consumer.stop()
      await publisher.close().catch(() => undefined)
      await campaignService.stop()
      await auth.stop()
      await broker.close()
      redis.disconnect()
      await sql.end({ timeout: 2 })
      await world.cleanup()
    },
  }
}

/** A POST /api/pledges request with an Idempotency-Key. */
export function pledgeRequest(
  body: unknown,
  options: { key?: string; session?: TestSession } = {},
): [string, RequestInit] {
  return [
    '/api/pledges',
    {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(options.key === undefined
          ? { 'idempotency-key': crypto.randomUUID() }
          : options.key
            ? { 'idempotency-key': options.key }
            : {}),
        ...(options.session?.headers ?? {}),
      },
      body: JSON.stringify(body),
    },
  ]
}

/** Waits until `check` holds (events are applied asynchronously). */
export async function eventually<T>(
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (check(value) || Date.now() > deadline) return value
    await Bun.sleep(50)
  }
}

export async function outboxOf(sql: Sql, pledgeId: string) {
  const rows = await sql<{ type: string; payload: { data: Record<string, unknown> } | string }[]>`
    select type, payload from outbox where aggregate_id = ${pledgeId} order by created_at, id`
  return rows.map((row) => ({
    type: row.type,
    data: (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload).data as Record<
      string,
      unknown
    >,
  }))
}
