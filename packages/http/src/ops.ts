import { dirname, join } from 'node:path'
import { PROBLEM_CONTENT_TYPE, Problem } from '@careforall/contracts'
import { pingDb, type Sql } from '@careforall/db'
import { metricsText } from '@careforall/otel'
import { createRoute, z } from '@hono/zod-openapi'
import { Scalar } from '@scalar/hono-api-reference'
import { pingRedis, type Redis } from './redis'
import type { AppOpenAPI } from './types'

/**
 * Where `/ready` reads how many messages the service's dead-letter queues hold. A symbol key, so
 * that it travels with the checks `dependencyChecks()` returns (services spread them into their
 * own) without every service wiring it, and is never taken for a check: `Object.entries` and
 * `Object.keys` skip symbols.
 */
export const DEAD_LETTER_DEPTHS: unique symbol = Symbol('dead-letter depths')

/**
 * Named dependency checks for `/ready`; each resolves true when the dependency answers within
 * `timeoutMs` (`/ready` gives it 1 s; the unready watchdog as long as its whole limit). Under
 * `DEAD_LETTER_DEPTHS`, optionally, the depth of each dead-letter queue (`{ '<queue>.dlq': n }`).
 */
export type ReadinessChecks = Record<string, (timeoutMs?: number) => Promise<boolean>> & {
  [DEAD_LETTER_DEPTHS]?: (timeoutMs: number) => Promise<Record<string, number>>
}

/**
 * The checks every service makes, under the names `/ready` reports: its database (`postgres`),
 * its broker (`rabbitmq`) and Redis (`redis`), each only when the service has one; and with a
 * broker, the depth of its consumers' dead-letter queues.
 */
export function dependencyChecks(deps: {
  sql?: Sql
  broker?: {
    isConnected(): boolean
    deadLetterDepths?(timeoutMs: number): Promise<Record<string, number>>
  }
  redis?: Redis
}): ReadinessChecks {
  const { sql, broker, redis } = deps
  const checks: ReadinessChecks = {
    ...(sql ? { postgres: (timeoutMs?: number) => pingDb(sql, timeoutMs) } : {}),
    ...(broker ? { rabbitmq: async () => broker.isConnected() } : {}),
    ...(redis ? { redis: () => pingRedis(redis) } : {}),
  }
  const depths = broker?.deadLetterDepths?.bind(broker)
  if (depths) checks[DEAD_LETTER_DEPTHS] = depths
  return checks
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

/**
 * The longest `/ready` waits for dead-letter depths, beside its checks: a slow broker leaves them
 * out instead of slowing the answer (the gateway's `/api/status` asks every service at once).
 */
const DEAD_LETTER_TIMEOUT_MS = 500

/** The depths `checks` can read, or undefined when it has none or they do not come in time. */
async function deadLetterDepths(checks: ReadinessChecks): Promise<Record<string, number> | undefined> {
  const read = checks[DEAD_LETTER_DEPTHS]
  if (!read) return undefined
  let timer: Timer | undefined
  const timeout = new Promise<undefined>((resolve) => {
    timer = setTimeout(() => resolve(undefined), DEAD_LETTER_TIMEOUT_MS)
  })
  try {
    return await Promise.race([read(DEAD_LETTER_TIMEOUT_MS).catch(() => undefined), timeout])
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

const DeadLetters = z.record(z.string(), z.number().int().nonnegative()).openapi({
  description:
    'Messages parked in each of its dead-letter queues, by queue name; `{}` for a service without ' +
    'consumers; absent without a broker, and a queue is left out when the broker does not answer in time',
  example: { 'totals-service.payment-events.dlq': 0 },
})

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
      content: {
        'application/json': {
          schema: z.object({ status: z.literal('ready'), checks: Checks, dlq: DeadLetters.optional() }),
        },
      },
    },
    503: {
      description: 'A dependency is down; the problem names it (with `checks`, and `dlq` as in a 200)',
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
    const readiness = options.readiness ?? {}
    const [checks, dlq] = await Promise.all([checkReadiness(readiness), deadLetterDepths(readiness)])
    const depths = dlq ? { dlq } : {}
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
          ...depths,
          requestId: c.get('requestId'),
        },
        503,
        { 'content-type': PROBLEM_CONTENT_TYPE },
      )
    }
    return c.json({ status: 'ready' as const, checks, ...depths }, 200)
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
