import { Writable } from 'node:stream'
import { openDatabase, type Sql } from '@careforall/db'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { createRedis, type Redis } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { type Broker, connectBroker, messagingMigrations } from '@careforall/messaging'
import { buildApp } from '../../src/app'
import { env as defaults, type Env } from '../../src/env'
import { ensureAdmin } from '../../src/usecases/users'

export interface AuthWorld {
  app: ReturnType<typeof buildApp>['app']
  /** The first admin, as the service makes it at start (ADMIN_EMAIL/ADMIN_PASSWORD). */
  ensureAdmin(email: string, password: string): Promise<void>
  keys: ReturnType<typeof buildApp>['keys']
  sql: Sql
  redis: Redis
  broker: Broker
  world: TestResources
  /** Every log line the service wrote, parsed. */
  logs: Record<string, unknown>[]
  close(): Promise<void>
}

/** The auth service in-process on a throwaway database, vhost and Redis prefix. */
export async function startAuth(overrides: Partial<Env> = {}): Promise<AuthWorld> {
  const world = await createTestResources()
  const logs: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _e, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line))
      done()
    },
  })
  const logger = createLogger({ serviceName: 'auth-service', level: 'info', destination })
  const sql = await openDatabase({
    url: world.databaseUrl('auth'),
    schema: 'auth',
    migrations: [messagingMigrations, { module: 'service', dir: `${import.meta.dir}/../../migrations` }],
    logger,
    max: 5,
  })
  const broker: Broker = await connectBroker({ url: world.rabbitmqUrl, logger, name: 'auth-test' })
  const redis = createRedis(world.redisUrl, world.redisPrefix)
  const env: Env = { ...defaults, NODE_ENV: 'test', ...overrides }
  const { app, accounts, keys } = buildApp({ env, logger, sql, broker, redis })
  return {
    app,
    ensureAdmin: (email, password) => ensureAdmin(accounts, email, password),
    keys,
    sql,
    redis,
    broker,
    world,
    logs,
    close: async () => {
      await broker.close()
      redis.disconnect()
      await sql.end({ timeout: 2 })
      await world.cleanup()
    },
  }
}

let counter = 0
/** A unique email per call, so tests in one world never collide. */
export function uniqueEmail(tag = 'donor'): string {
  counter++
  return `${tag}.${counter}.${Date.now()}@example.com`
}

export const PASSWORD = 'correct horse battery staple'

export function post(
  path: string,
  body: unknown,
  headers: Record<string, string> = {},
): [string, RequestInit] {
  return [
    path,
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    },
  ]
}

export interface Session {
  accessToken: string
  refreshToken: string
  user: { id: string; email: string; role: string }
}

export async function registerUser(
  app: AuthWorld['app'],
  email = uniqueEmail(),
  headers: Record<string, string> = {},
): Promise<Session> {
  const res = await app.request(
    ...post('/api/auth/register', { email, password: PASSWORD, name: 'Test Donor' }, headers),
  )
  if (res.status !== 201) throw new Error(`register answered ${res.status}: ${await res.text()}`)
  return (await res.json()) as Session
}

export function bearer(token: string): RequestInit {
  return { headers: { authorization: `Bearer ${token}` } }
}
