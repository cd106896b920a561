import { describe, expect, it } from 'bun:test'
import { Writable } from 'node:stream'
import { createLogger } from '@careforall/logger'
import { createRoute, z } from '@hono/zod-openapi'
import {
  ConflictError,
  createApp,
  DEAD_LETTER_DEPTHS,
  dependencyChecks,
  holdReadiness,
  problemResponses,
  releaseReadiness,
  requireInternalSecret,
} from '../src'

function capture() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _e, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { lines, logger: createLogger({ serviceName: 'test-service', destination }) }
}

function build(readiness = {}) {
  const { lines, logger } = capture()
  const app = createApp({ service: 'test-service', logger, readiness })
  const create = createRoute({
    method: 'post',
    path: '/api/things',
    request: {
      body: {
        content: { 'application/json': { schema: z.strictObject({ name: z.string().min(1).max(5) }) } },
      },
    },
    responses: {
      201: {
        description: 'made',
        content: { 'application/json': { schema: z.object({ name: z.string() }) } },
      },
      ...problemResponses,
    },
  })
  app.openapi(create, (c) => c.json({ name: c.req.valid('json').name }, 201))
  app.get('/boom', () => {
    throw new Error('secret connection string postgres://user:pw@db')
  })
  app.get('/conflict', () => {
    throw new ConflictError('already there', { allowed: ['ACTIVE'] })
  })
  app.get('/unique', () => {
    throw Object.assign(new Error('duplicate key value violates unique constraint "users_email_key"'), {
      code: '23505',
    })
  })
  app.get('/serialization', () => {
    throw Object.assign(new Error('could not serialize'), { code: '40001' })
  })
  app.get('/exhausted', () => {
    throw Object.assign(new Error('sorry, too many clients already'), { code: '53300' })
  })
  app.use('/internal/*', requireInternalSecret('0123456789abcdef'))
  app.get('/internal/ping', (c) => c.text('pong'))
  return { app, lines }
}

const json = (body: unknown) => ({
  method: 'POST',
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
})

describe('createApp', () => {
  it('answers /health and sets a request id', async () => {
    const res = await build().app.request('/health')
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ status: 'ok' })
    expect(res.headers.get('x-request-id')).toBeTruthy()
  })

  it('turns validation failures into a 400 problem listing each field', async () => {
    const res = await build().app.request('/api/things', json({ name: 'far too long', extra: 1 }))
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const body = (await res.json()) as { errors: { path: string }[]; title: string }
    expect(body.title).toBe('Validation Failed')
    expect(body.errors.map((e) => e.path).sort()).toEqual(['(root)', 'name'])
  })

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await build().app.request('/api/things', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"name":',
    })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
  })

  it('answers an unknown route with a 404 problem', async () => {
    const res = await build().app.request('/nope')
    expect(res.status).toBe(404)
    expect(((await res.json()) as { type: string }).type).toBe('https://careforall.dev/problems/not-found')
  })

  it('masks a 5xx: only a title and the request id, logged with its stack', async () => {
    const { app, lines } = build()
    const res = await app.request('/boom', { headers: { 'x-request-id': 'req_boom' } })
    expect(res.status).toBe(500)
    const text = await res.text()
    expect(text).not.toContain('postgres://')
    expect(JSON.parse(text)).toEqual({
      type: 'https://careforall.dev/problems/internal',
      title: 'Internal Server Error',
      status: 500,
      requestId: 'req_boom',
    })
    const logged = lines.find((l) => l.message === 'request failed')
    expect(logged?.requestId).toBe('req_boom')
    expect(JSON.stringify(logged)).toContain('secret connection string')
  })

  it('maps domain errors and Postgres 23505 and 40001 once', async () => {
    const { app } = build()
    const conflict = await app.request('/conflict')
    expect(conflict.status).toBe(409)
    expect(await conflict.json()).toMatchObject({ detail: 'already there', allowed: ['ACTIVE'] })
    const unique = await app.request('/unique')
    expect(unique.status).toBe(409)
    expect(await unique.text()).not.toContain('users_email_key')
    const serialization = await app.request('/serialization')
    expect(serialization.status).toBe(409)
    expect(serialization.headers.get('retry-after')).toBe('1')
  })

  it('answers 503 with Retry-After when the database has no connection to give', async () => {
    const res = await build().app.request('/exhausted')
    expect(res.status).toBe(503)
    expect(res.headers.get('retry-after')).toBe('1')
    expect(await res.text()).not.toContain('too many clients')
  })

  it('logs one line per request with the architecture fields', async () => {
    const { app, lines } = build()
    await app.request('/api/things?token=abc&x=1', json({ name: 'ok' }))
    const line = lines.find((l) => l.message === 'request completed')
    expect(line).toMatchObject({ serviceName: 'test-service', level: 'info', status: 201, method: 'POST' })
    expect(line?.path).toBe('/api/things?token=[redacted]&x=1')
    expect(line?.requestId).toBeTruthy()
  })

  it('logs no e-mail address a query string carries', async () => {
    const { app, lines } = build()
    await app.request('/api/things?q=ann%40example.org&x=1&who=bo@example.org', json({ name: 'ok' }))
    const line = lines.find((l) => l.message === 'request completed')
    expect(line?.path).toBe('/api/things?q=[redacted]&x=1&who=[redacted]')
  })

  it('names the failed dependency in a 503 from /ready', async () => {
    const { app } = build({ postgres: async () => true, rabbitmq: async () => false })
    const res = await app.request('/ready')
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const body = (await res.json()) as { detail: string; checks: Record<string, string> }
    expect(body.detail).toBe('rabbitmq not reachable')
    expect(body.checks).toEqual({ postgres: 'up', rabbitmq: 'down' })
    const ok = await build({ postgres: async () => true }).app.request('/ready')
    expect(ok.status).toBe(200)
  })

  it('answers 503 "starting" from /ready while readiness is held (workers not started yet)', async () => {
    const { app } = build({ postgres: async () => true })
    holdReadiness()
    try {
      const res = await app.request('/ready')
      expect(res.status).toBe(503)
      expect(((await res.json()) as { detail: string }).detail).toBe('test-service is starting')
    } finally {
      releaseReadiness()
    }
    expect((await app.request('/ready')).status).toBe(200)
  })

  it('treats a hanging dependency check as down', async () => {
    const res = await build({ redis: () => new Promise<boolean>(() => {}) }).app.request('/ready')
    expect(res.status).toBe(503)
  })

  it("reports the broker's dead-letter depths in /ready, ready or not", async () => {
    const broker = {
      isConnected: () => true,
      deadLetterDepths: async () => ({ 'test-service.events.dlq': 3 }),
    }
    const ready = await build(dependencyChecks({ broker })).app.request('/ready')
    expect(await ready.json()).toEqual({
      status: 'ready',
      checks: { rabbitmq: 'up' },
      dlq: { 'test-service.events.dlq': 3 },
    })
    const unready = await build(
      dependencyChecks({ broker: { ...broker, isConnected: () => false } }),
    ).app.request('/ready')
    expect(unready.status).toBe(503)
    expect(await unready.json()).toMatchObject({ dlq: { 'test-service.events.dlq': 3 } })
    // No broker, no dead-letter queues to speak of.
    expect(await (await build({ postgres: async () => true }).app.request('/ready')).json()).toEqual({
      status: 'ready',
      checks: { postgres: 'up' },
    })
  })

  it('leaves the dead-letter depths out when they fail or take more than half a second', async () => {
    const up = async () => true
    for (const read of [
      async () => Promise.reject(new Error('channel closed')),
      () => new Promise<Record<string, number>>(() => {}),
    ]) {
      const started = performance.now()
      const res = await build({ postgres: up, [DEAD_LETTER_DEPTHS]: read }).app.request('/ready')
      expect(performance.now() - started).toBeLessThan(900)
      expect(res.status).toBe(200)
      expect(await res.json()).toEqual({ status: 'ready', checks: { postgres: 'up' } })
    }
  })

  it('serves an OpenAPI 3.1 document with its routes and problem responses', async () => {
    const res = await build().app.request('/openapi.json')
    const doc = (await res.json()) as {
      openapi: string
      paths: Record<string, Record<string, { responses: Record<string, unknown> }>>
    }
    expect(doc.openapi).toBe('3.1.0')
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/health', '/ready', '/api/things']))
    expect(doc.paths['/api/things']?.post?.responses['400']).toBeDefined()
  })

  it('serves the Scalar docs page and its script from our own origin', async () => {
    const { app } = build()
    const page = await (await app.request('/docs')).text()
    expect(page).toContain('/docs/scalar.js')
    expect(page).not.toContain('cdn.jsdelivr.net')
    const script = await app.request('/docs/scalar.js')
    expect(script.status).toBe(200)
    expect((await script.arrayBuffer()).byteLength).toBeGreaterThan(100_000)
  })

  it('guards /internal routes with the internal secret', async () => {
    const { app } = build()
    expect((await app.request('/internal/ping')).status).toBe(403)
    expect(
      (await app.request('/internal/ping', { headers: { 'x-internal-secret': 'wrong-wrong-wrong' } })).status,
    ).toBe(403)
    const ok = await app.request('/internal/ping', { headers: { 'x-internal-secret': '0123456789abcdef' } })
    expect(await ok.text()).toBe('pong')
  })
})
