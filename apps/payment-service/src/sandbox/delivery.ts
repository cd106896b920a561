import { backoffMs, type Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { coalesce } from '../coalesce'
import { shuffle } from './chaos'
import { claimDueDeliveries, type DeliveryRow, markDelivered, markFailed } from './delivery-store'
import { signatureHeader } from './signing'

export interface DeliverySettings {
  url: string
  secrets: () => string[]
  timeoutMs: number
  retryBaseMs: number
  retryMaxMs: number
  maxAttempts: number
  concurrency: number
}

/**
 * Delivers due webhooks over real HTTP, signed at send time (so a redelivery hours later still
 * carries a fresh timestamp), and redelivers with exponential backoff until a 2xx — or gives up
 * after the last attempt, as PSPs do after days. Under `reorder=1` a batch goes out shuffled.
 */
export function createDelivery(
  sql: Sql,
  settings: DeliverySettings,
  chaos: () => { chaos: { reorder: boolean }; random: () => number },
  logger: Logger,
) {
  const send = async (row: DeliveryRow): Promise<{ status: number | null; error?: string }> => {
    try {
      const res = await fetch(settings.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'careforall-sandbox/1.0',
          'x-sandbox-signature': signatureHeader(settings.secrets(), row.body, Math.floor(Date.now() / 1000)),
          'x-sandbox-delivery': row.id,
        },
        body: row.body,
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
      })
      await res.arrayBuffer().catch(() => undefined)
      return res.ok ? { status: res.status } : { status: res.status, error: `answered ${res.status}` }
    } catch (error) {
      return { status: null, error: (error as Error).message || 'request failed' }
    }
  }

  let inFlight = 0
  let freed: () => void = () => undefined
  let drained = Promise.withResolvers<void>()
  // Acknowledgements finishing while one batch is being written go out together in the next.
  const acknowledge = coalesce((acks: { id: string; status: number }[]) => markDelivered(sql, acks))

  const deliver = async (row: DeliveryRow) => {
    const result = await send(row)
    if (!result.error) return acknowledge({ id: row.id, status: result.status ?? 200 })
    const giveUp = row.attempts >= settings.maxAttempts
    await markFailed(sql, row.id, {
      status: result.status,
      error: result.error,
      delayMs: backoffMs(row.attempts, settings.retryBaseMs, settings.retryMaxMs),
      giveUp,
    })
    const log = { webhookId: row.webhookId, attempts: row.attempts, err: { message: result.error } }
    if (giveUp) logger.error(log, 'sandbox webhook given up after the last attempt')
    else logger.debug(log, 'sandbox webhook not acknowledged; will redeliver')
  }

  return {
    /** Called whenever a send finishes, so the loop claims the next due one at once. */
    onFreed: (wake: () => void) => {
      freed = wake
    },
    /**
     * Claims as many due deliveries as there are free slots and starts sending them, without
     * waiting: up to `concurrency` requests stay in flight, each recorded as it finishes.
     * True when every slot was filled (more may be due).
     */
    async round(): Promise<boolean> {
      const free = settings.concurrency - inFlight
      if (free <= 0) return false
      let rows = await claimDueDeliveries(sql, free, settings.timeoutMs * 2)
      if (rows.length === 0) return false
      const { chaos: current, random } = chaos()
      if (current.reorder) rows = shuffle(rows, random)
      inFlight += rows.length
      for (const row of rows) {
        void deliver(row)
          .catch((error: unknown) => logger.error({ err: error }, 'recording a webhook delivery failed'))
          .finally(() => {
            inFlight--
            if (inFlight === 0) {
              drained.resolve()
              drained = Promise.withResolvers<void>()
            }
            freed()
          })
      }
      return rows.length === free
    },
    /** Resolves when no send is in flight. */
    drain: async () => {
      if (inFlight > 0) await drained.promise
    },
  }
}
