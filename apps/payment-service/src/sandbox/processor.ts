import { numericToCents } from '@careforall/contracts'
import { type Sql, withTransaction } from '@careforall/db'
import { type Chaos, copyDelays, createRandom, NO_CHAOS, parseChaos } from './chaos'
import { insertDeliveries, type NewDelivery } from './delivery-store'
import { claimPending, decideAll, type OperationRow, readChaosSetting } from './store'

/** What each payment method token does (DESIGN.md): anything unknown is declined. */
function outcomeOf(op: OperationRow & { authorizationMethod: string | null }): {
  status: 'succeeded' | 'failed'
  reason: string | null
} {
  if (op.kind === 'authorization') {
    return op.paymentMethod === 'pm_ok' || op.paymentMethod === 'pm_capture_fail'
      ? { status: 'succeeded', reason: null }
      : { status: 'failed', reason: 'card_declined' }
  }
  if (op.kind === 'capture' && op.authorizationMethod === 'pm_capture_fail') {
    return { status: 'failed', reason: 'capture_failed' }
  }
  return { status: 'succeeded', reason: null }
}

const SUCCESS_TYPES = {
  authorization: 'payment.authorized',
  capture: 'payment.captured',
  refund: 'payment.refunded',
  void: undefined,
} as const

/** The webhook body exactly as DESIGN.md pins it; these bytes are what gets signed. */
function webhookBody(op: OperationRow, type: string, reason: string | null): { id: string; body: string } {
  const id = `evt_${Bun.randomUUIDv7().replaceAll('-', '')}`
  const data = {
    providerTransactionId: op.transactionId,
    ...(op.kind === 'refund' ? { providerRefundId: op.id } : {}),
    amount: numericToCents(op.amount),
    ...(reason ? { reason } : {}),
  }
  return { id, body: JSON.stringify({ id, type, created: Math.floor(Date.now() / 1000), data }) }
}

/**
 * Decides accepted operations asynchronously, like a PSP's back office: each becomes succeeded or
 * failed and gets its webhook, queued for delivery — as many copies and as late as the chaos
 * setting says. The setting is read from the sandbox schema every round (all instances share it);
 * the PRNG is reseeded whenever it changes, so a seeded run is reproducible.
 */
export function createProcessor(sql: Sql) {
  let seen = -1
  let chaos: Chaos = NO_CHAOS
  let random = Math.random

  return {
    /** One batch; true when the batch was full (more may be waiting). */
    async round(limit = 100): Promise<{ decided: number; immediate: boolean }> {
      return withTransaction(
        sql,
        async (tx) => {
          const setting = await readChaosSetting(tx)
          if (setting.version !== seen) {
            seen = setting.version
            chaos = safeParse(setting.chaos)
            random = createRandom(chaos.seed)
          }
          const pending = await claimPending(tx, limit)
          const deliveries: NewDelivery[] = []
          const decisions = pending.map((op) => ({ id: op.id, ...outcomeOf(op) }))
          await decideAll(tx, decisions)
          for (const [index, op] of pending.entries()) {
            const { status, reason } = decisions[index]!
            const type = status === 'failed' ? 'payment.failed' : SUCCESS_TYPES[op.kind]
            if (!type) continue
            const webhook = webhookBody(op, type, reason)
            for (const delayMs of copyDelays(chaos, random)) {
              deliveries.push({
                webhookId: webhook.id,
                operationId: op.id,
                type,
                body: webhook.body,
                delayMs,
              })
            }
          }
          await insertDeliveries(tx, deliveries)
          return { decided: pending.length, immediate: deliveries.some((d) => d.delayMs === 0) }
        },
        { name: 'sandbox.decide' },
      )
    },
    /** The chaos setting of the last round (the delivery loop shuffles with it). */
    current: () => ({ chaos, random }),
  }
}

function safeParse(spec: string): Chaos {
  try {
    return parseChaos(spec)
  } catch {
    return NO_CHAOS
  }
}
