import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createDb, migrate, type Sql } from '@careforall/db'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { createLogger } from '@careforall/logger'
import { createRoute, z } from '@hono/zod-openapi'
import {
  ConflictError,
  createApp,
  IdempotencyKeyHeader,
  idempotencyMigrations,
  idempotently,
  problemResponses,
  startIdempotencyReaper,
} from '../src'

let world: TestResources
let sql: Sql
let failNext = false

const route = createRoute({
  method: 'post',
  path: '/api/donations',
  request: {
    headers: IdempotencyKeyHeader,
    body: {
      content: {
        'application/json': {
          schema: z.strictObject({ amount: z.number().int().positive(), who: z.string() }),
        },
      },
    },
  },
  responses: { 201: { description: 'made' }, ...problemResponses },
})

function build() {
  const app = createApp({
    service: 'test-service',
    logger: createLogger({ serviceName: 'test', level: 'silent' }),
  })
  app.openapi(route, (c) => {
    const body = c.req.valid('json')
    return idempotently(c, { sql, scope: `user:${body.who}`, request: body }, async (tx) => {
      const [row] = await tx`insert into donations (amount) values (${body.amount}) returning id`
      await Bun.sleep(30)
      if (body.amount === 13) throw new ConflictError('unlucky amount')
      if (failNext) {
        failNext = false
        throw new Error('database exploded')
      }
      return { status: 201, body: { id: row!.id, amount: body.amount } }
    }) as never
  })
  return app
}

beforeAll(async () => {
  world = await createTestResources()
  sql = createDb({ url: world.databaseUrl('pledge'), schema: 'pledge', max: 20 })
  await migrate(sql, { schema: 'pledge', ...idempotencyMigrations })
  await sql`create table donations (id serial primary key, amount int not null)`
})
afterAll(async () => {
  await sql?.end()
  await world?.cleanup()
})

const post = (key: string | undefined, body: unknown) =>
  build().request('/api/donations', {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(key === undefined ? {} : { 'idempotency-key': key }) },
    body: JSON.stringify(body),
  })

async function count(amount: number): Promise<number> {
  const [row] = await sql`select count(*)::int as n from donations where amount = ${amount}`
  return row!.n
}

describe('idempotency keys', () => {
  it('replays the stored response for a repeated key, byte for byte, and applies the effect once', async () => {
    const first = await post('k-replay', { amount: 101, who: 'ada' })
    expect(first.status).toBe(201)
    expect(first.headers.get('idempotent-replayed')).toBeNull()
    const firstText = await first.text()
    // Same body, other key order and spacing: still the same request.
    const again = await build().request('/api/donations', {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'idempotency-key': 'k-replay' },
      body: '{ "who": "ada",   "amount": 101 }',
    })
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await again.text()).toBe(firstText)
    expect(await count(101)).toBe(1)
  })

  it('refuses the same key with a different body with 422 and changes nothing', async () => {
    await post('k-mismatch', { amount: 102, who: 'ada' })
    const res = await post('k-mismatch', { amount: 103, who: 'ada' })
    expect(res.status).toBe(422)
    expect(await count(103)).toBe(0)
  })

  it('runs 50 concurrent requests with one key exactly once; the rest replay or get 409 with Retry-After', async () => {
    const responses = await Promise.all(
      Array.from({ length: 50 }, () => post('k-storm', { amount: 104, who: 'ada' })),
    )
    const statuses = responses.map((r) => r.status)
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(1)
    expect(statuses.every((s) => s === 201 || s === 409)).toBe(true)
    for (const res of responses.filter((r) => r.status === 409))
      expect(res.headers.get('retry-after')).toBe('1')
    const fresh = responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null)
    expect(fresh).toHaveLength(1)
    expect(await count(104)).toBe(1)
  })

  it('stores a refusal the effect raised and replays it, with the effect rolled back', async () => {
    const first = await post('k-refused', { amount: 13, who: 'ada' })
    expect(first.status).toBe(409)
    const again = await post('k-refused', { amount: 13, who: 'ada' })
    expect(again.status).toBe(409)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await again.text()).toBe(await first.text())
    expect(await count(13)).toBe(0)
  })

  it('stores nothing when the effect fails unexpectedly, so a retry runs afresh', async () => {
    failNext = true
    expect((await post('k-crash', { amount: 105, who: 'ada' })).status).toBe(500)
    expect(await count(105)).toBe(0)
    const retry = await post('k-crash', { amount: 105, who: 'ada' })
    expect(retry.status).toBe(201)
    expect(retry.headers.get('idempotent-replayed')).toBeNull()
    expect(await count(105)).toBe(1)
  })

  it('scopes keys to the caller', async () => {
    await post('k-shared', { amount: 106, who: 'ada' })
    const other = await post('k-shared', { amount: 106, who: 'grace' })
    expect(other.headers.get('idempotent-replayed')).toBeNull()
    expect(await count(106)).toBe(2)
  })

  it('refuses a missing or malformed key with 400 before doing anything', async () => {
    expect((await post(undefined, { amount: 107, who: 'ada' })).status).toBe(400)
    expect((await post('x'.repeat(256), { amount: 107, who: 'ada' })).status).toBe(400)
    expect((await post('', { amount: 107, who: 'ada' })).status).toBe(400)
    expect((await post('has space', { amount: 107, who: 'ada' })).status).toBe(400)
    expect(await count(107)).toBe(0)
  })

  it('forgets keys after their time to live: the reaper removes them and the key works anew', async () => {
    await post('k-old', { amount: 108, who: 'ada' })
    await sql`update idempotency_keys set expires_at = now() - interval '1 second' where key = 'k-old'`
    const reaper = startIdempotencyReaper(sql)
    await reaper.reap()
    reaper.stop()
    expect((await sql`select 1 from idempotency_keys where key = 'k-old'`).length).toBe(0)
    const res = await post('k-old', { amount: 108, who: 'ada' })
    expect(res.headers.get('idempotent-replayed')).toBeNull()
    expect(await count(108)).toBe(2)
  })
})
