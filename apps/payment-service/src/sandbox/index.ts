import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import type { Env } from '../env'
import { type Loop, startLoop } from '../loop'
import { parseChaos } from './chaos'
import { createDelivery } from './delivery'
import { createProcessor } from './processor'
import { ledgerRouter } from './routes/ledger/ledger.index'
import { operationsRouter } from './routes/operations/operations.index'
import { writeChaosSetting } from './store'

export interface Sandbox {
  /** The sandbox's HTTP API (`/sandbox/v1/…`), mounted on the payment service's app. */
  routers: ReturnType<typeof operationsRouter | typeof ledgerRouter>[]
  /** Starts deciding operations and delivering webhooks; SANDBOX_CHAOS is applied first. */
  start(): Promise<{ stop(): Promise<void>; idle(): Promise<void> }>
}

/**
 * The payments sandbox: a PSP inside the payment-service process, on its own pool (its own role
 * and schema, so the payment code cannot read its ledger and it cannot read the payments), with
 * its own HTTP API that the payment code calls over HTTP, and signed webhooks sent back over HTTP.
 */
export function createSandbox(deps: { sql: Sql; env: Env; logger: Logger }): Sandbox {
  const logger = deps.logger.child({ component: 'sandbox' })
  const { env } = deps
  const processor = createProcessor(deps.sql)
  const delivery = createDelivery(
    deps.sql,
    {
      url: env.SANDBOX_WEBHOOK_URL,
      secrets: () => [
        env.SANDBOX_WEBHOOK_SECRET,
        ...(env.SANDBOX_WEBHOOK_SECRET_PREVIOUS ? [env.SANDBOX_WEBHOOK_SECRET_PREVIOUS] : []),
      ],
      timeoutMs: env.SANDBOX_WEBHOOK_TIMEOUT_MS,
      retryBaseMs: env.SANDBOX_RETRY_BASE_MS,
      retryMaxMs: env.SANDBOX_RETRY_MAX_MS,
      maxAttempts: env.SANDBOX_WEBHOOK_MAX_ATTEMPTS,
      concurrency: env.SANDBOX_DELIVERY_CONCURRENCY,
    },
    processor.current,
    logger,
  )
  let deciding: Loop | undefined
  let delivering: Loop | undefined

  return {
    routers: [
      operationsRouter({ sql: deps.sql, apiKey: env.SANDBOX_API_KEY, onAccepted: () => deciding?.wake() }),
      ledgerRouter({ sql: deps.sql, internalSecret: env.INTERNAL_SERVICE_SECRET }),
    ],
    async start() {
      // The start-time value wins until someone posts another (all instances share the setting).
      const chaos = parseChaos(env.SANDBOX_CHAOS)
      await writeChaosSetting(deps.sql, env.SANDBOX_CHAOS.trim())
      if (chaos.dup > 1 || chaos.delayMaxMs > 0 || chaos.reorder)
        logger.warn({ chaos: env.SANDBOX_CHAOS }, 'sandbox chaos on')
      deciding = startLoop({
        name: 'sandbox-decide',
        intervalMs: env.SANDBOX_POLL_MS,
        logger,
        round: async () => {
          const { decided, immediate } = await processor.round()
          if (immediate) delivering?.wake()
          return decided === 100
        },
      })
      delivering = startLoop({
        name: 'sandbox-deliver',
        intervalMs: env.SANDBOX_POLL_MS,
        logger,
        round: delivery.round,
      })
      // A slot freed by a finished send is refilled at once, not at the next poll: with 32 slots
      // and a 250 ms poll, waiting for the tick capped deliveries at 128/s (64 pledges/s).
      delivery.onFreed(delivering.wake)
      return {
        stop: async () => {
          await deciding?.stop()
          await delivering?.stop()
          await delivery.drain()
        },
        idle: async () => {
          await deciding?.idle()
          await delivering?.idle()
          await delivery.drain()
        },
      }
    },
  }
}
