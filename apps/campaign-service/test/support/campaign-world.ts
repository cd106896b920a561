import { openDatabase, type Sql } from '@careforall/db'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { startTestAuth, type TestAuth, type TestSession } from '@careforall/devkit/testing'
import { createRedis, type Redis } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { type Broker, connectBroker, messagingMigrations } from '@careforall/messaging'
import { buildApp } from '../../src/app'
import { env as defaults } from '../../src/env'
import { completeEndedCampaigns } from '../../src/usecases/campaigns'

export interface CampaignWorld {
  app: ReturnType<typeof buildApp>['app']
  /** Completes the campaigns whose end date has passed, as the sweeper does. */
  completeEnded(): Promise<number>
  sql: Sql
  auth: TestAuth
  world: TestResources
  close(): Promise<void>
}

/** The campaign service in-process, with the real auth service beside it for tokens. */
export async function startCampaigns(): Promise<CampaignWorld> {
  const world = await createTestResources()
  const auth = await startTestAuth(world)
  const logger = createLogger({ serviceName: 'campaign-service', level: 'silent' })
  const sql = await openDatabase({
    url: world.databaseUrl('campaign'),
    schema: 'campaign',
    migrations: [messagingMigrations, { module: 'service', dir: `${import.meta.dir}/../../migrations` }],
    logger,
    max: 5,
  })
  const broker: Broker = await connectBroker({ url: world.rabbitmqUrl, logger, name: 'campaign-test' })
  const redis: Redis = createRedis(world.redisUrl, world.redisPrefix)
  const env = {
    ...defaults,
    NODE_ENV: 'test' as const,
    AUTH_JWKS_URL: auth.jwksUrl,
    TOTALS_SERVICE_URL: 'http://127.0.0.1:9',
  }
  const { app } = buildApp({ env, logger, sql, broker, redis })
  return {
    app,
    completeEnded: () => completeEndedCampaigns(sql, logger),
    sql,
    auth,
    world,
    close: async () => {
      await auth.stop()
      await broker.close()
      redis.disconnect()
      await sql.end({ timeout: 2 })
      await world.cleanup()
    },
  }
}

const day = 86_400_000

export function newCampaign(overrides: Record<string, unknown> = {}) {
  return {
    title: 'Clean water for Rangpur',
    description: 'Tube wells for six villages in northern Bangladesh.',
    goalAmount: 25000,
    startDate: new Date(Date.now() - day).toISOString(),
    endDate: new Date(Date.now() + 30 * day).toISOString(),
    ...overrides,
  }
}

export function send(
  method: string,
  path: string,
  session: TestSession | undefined,
  body?: unknown,
): [string, RequestInit] {
  return [
    path,
    {
      method,
      headers: {
        ...(session?.headers ?? {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
  ]
}

/** The events a campaign caused, oldest first, as written to the outbox. */
export async function eventsOf(sql: Sql, campaignId: string) {
  const rows = await sql<{ type: string; payload: unknown }[]>`
    select type, payload from outbox where aggregate_id = ${campaignId} order by created_at, id`
  return rows.map((row) => {
    const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as {
      data: Record<string, unknown>
    }
    return { type: row.type, data: payload.data }
  })
}
