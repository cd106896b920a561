import { dirname, join } from 'node:path'
import { PROBLEM_CONTENT_TYPE, Problem } from '@careforall/contracts'
import { pingDb, type Sql } from '@careforall/db'
import { metricsText } from '@careforall/otel'
import { createRoute, z } from '@hono/zod-openapi'
import { Scalar } from '@scalar/hono-api-reference'
import { pingRedis, type Redis } from './redis'
import type { AppOpenAPI } from './types'

/**
 * Named dependency checks for `/ready`; each resolves true when the dependency answers within
 * `timeoutMs` (`/ready` gives it 1 s; the unready watchdog as long as its whole limit).
 */
export type ReadinessChecks = Record<string, (timeoutMs?: number) => Promise<boolean>>

/**
 * The checks every service makes, under the names `/ready` reports: its database (`postgres`),
 * its broker (`rabbitmq`) and Redis (`redis`), each only when the service has one.
 */
export function dependencyChecks(deps: {
  sql?: Sql
  broker?: { isConnected(): boolean }
  redis?: Redis
}): ReadinessChecks {
  const { sql, broker, redis } = deps
  return {
    ...(sql ? { postgres: (timeoutMs?: number) => pingDb(sql, timeoutMs) } : {}),
    ...(broker ? { rabbitmq: async () => broker.isConnected() } : {}),
    ...(redis ? { redis: () => pingRedis(redis) } : {}),
  }
}

let draining = false
let starting = false

/**
 * Makes `/ready` answer 503 until `releaseReadiness()`: a process is not ready before its
 * consumers, relay and workers run (startService holds it while they start).
 */
export function holdReadiness(): void {
  starting = true
}

export function releaseReadiness(): void {
  starting = false
}

/** The checks each app's `/ready` makes, for `serve()`'s watchdog. */
const readinessByApp = new WeakMap<object, ReadinessChecks>()

/** The dependencies an app built by `createApp()` reports in `/ready`. */
export function readinessOf(app: object): ReadinessChecks | undefined {
  return readinessByApp.get(app)
}

/** Makes `/ready` answer 503 from now on, so balancers stop sending while we shut down. */
export function startDraining(): void {
  draining = true
}

const CHECK_TIMEOUT_MS = 2000

async function runCheck(check: () => Promise<boolean>): Promise<boolean> {
  let timer: Timer | undefined
  const timeout = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), CHECK_TIMEOUT_MS)
  })
  try {
    return await Promise.race([check().catch(() => false), timeout])
  } finally {
    clearTimeout(timer)
  }
}

/** Runs every readiness check in parallel: `{ postgres: 'up', rabbitmq: 'down' }`. */
export async function checkReadiness(checks: ReadinessChecks): Promise<Record<string, 'up' | 'down'>> {
  const entries = await Promise.all(
    Object.entries(checks).map(
      async ([name, check]) => [name, (await runCheck(check)) ? 'up' : 'down'] as const,
    ),
  )
  return Object.fromEntries(entries)
}

const Checks = z
  .record(z.string(), z.enum(['up', 'down']))
  .openapi({ example: { postgres: 'up', rabbitmq: 'up' } })

const health = createRoute({
  method: 'get',
  path: '/health',
  tags: ['ops'],
  summary: 'Liveness: the process answers',
  responses: {
    200: {
      description: 'Alive',
      content: { 'application/json': { schema: z.object({ status: z.literal('ok') }) } },
    },
  },
})

const ready = createRoute({
  method: 'get',
  path: '/ready',
  tags: ['ops'],
  summary: 'Readiness: every dependency answers',
  responses: {
    200: {
      description: 'Ready',
      content: { 'application/json': { schema: z.object({ status: z.literal('ready'), checks: Checks }) } },
    },
    503: {
      description: 'A dependency is down; the problem names it',
      content: { [PROBLEM_CONTENT_TYPE]: { schema: Problem } },
    },
  },
})

/** Where Scalar's bundle lies in node_modules: served by us so `/docs` works offline. */
const scalarBundle = join(
  dirname(Bun.fileURLToPath(import.meta.resolve('@scalar/api-reference'))),
  'browser',
  'standalone.js',
)

export function registerOps(
  app: AppOpenAPI,
  options: { service: string; version?: string; description?: string; readiness?: ReadinessChecks },
): void {
  if (options.readiness) readinessByApp.set(app, options.readiness)
  app.openapi(health, (c) => c.json({ status: 'ok' as const }, 200))
  app.openapi(ready, async (c) => {
    const checks = await checkReadiness(options.readiness ?? {})
    const down = Object.entries(checks)
      .filter(([, state]) => state === 'down')
      .map(([name]) => name)
    if (draining || starting || down.length > 0) {
      const detail = draining
        ? `${options.service} is shutting down`
        : down.length > 0
          ? `${down.join(', ')} not reachable`
          : `${options.service} is starting`
      return c.json(
        {
          type: 'https://careforall.dev/problems/not-ready',
          title: 'Service Unavailable',
          status: 503,
          detail,
          checks,
          requestId: c.get('requestId'),
        },
        503,
        { 'content-type': PROBLEM_CONTENT_TYPE },
      )
    }
    return c.json({ status: 'ready' as const, checks }, 200)
  })
  app.get('/metrics', async (c) =>
    c.text(await metricsText(), 200, { 'content-type': 'text/plain; version=0.0.4' }),
  )
  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    bearerFormat: 'JWT',
    description: 'An access token from POST /api/auth/login (EdDSA, 15 minutes)',
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'internalSecret', {
    type: 'apiKey',
    in: 'header',
    name: 'X-Internal-Secret',
    description: 'Service-to-service calls only (INTERNAL_SERVICE_SECRET); never through the gateway',
  })
  app.doc31('/openapi.json', {
    openapi: '3.1.0',
    info: {
      title: options.service,
      version: options.version ?? '0.1.0',
      ...(options.description ? { description: options.description } : {}),
    },
  })
  app.get(
    '/docs/scalar.js',
    () =>
      new Response(Bun.file(scalarBundle), {
        headers: {
          'content-type': 'text/javascript; charset=utf-8',
          'cache-control': 'public, max-age=86400',
        },
      }),
  )
  app.get(
    '/docs',
    Scalar({ url: '/openapi.json', cdn: '/docs/scalar.js', pageTitle: `${options.service} API` }),
  )
}
