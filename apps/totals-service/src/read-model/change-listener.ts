import { type CloudEvent, Events } from '@careforall/contracts'
import type { Queryable } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { type Broker, subscribeFanout } from '@careforall/messaging'
import { TOTALS_BINDINGS } from '../events/payment-events'
import { appliedWithTotals, findManyTotals } from '../store/totals'
import type { TotalsCache } from './cache'
import { recordVisible } from './metrics'

export interface ChangeListenerOptions {
  broker: Broker
  sql: Queryable
  logger: Logger
  cache: TotalsCache
  /** The durable consumer's name in the inbox (its queue). */
  consumer: string
  /** How long to wait for the durable consumer to apply an event before re-reading anyway. */
  maxWaitMs?: number
}

export interface ChangeListener {
  /** This process's own consumer settled the event (and offered its result): nothing to look for. */
  settled(eventId: string): void
  /** Events heard of whose effect is not visible here yet. */
  pending(): number
  stop(): Promise<void>
}

/**
 * The staleness this service promises (docs/decisions/0021): while an instance's fan-out is
 * connected, a change is served by every instance at most this long after the durable consumer
 * committed it. The mechanism's own delay is one look interval (≤ 50 ms) plus a query; the rest is
 * margin for a loaded machine. Tests hold every instance to it.
 */
export const STALENESS_BOUND_MS = 1000

/** The first look waits a little: the durable consumer gets the same message at the same moment. */
const FIRST_LOOK_MS = 5
const MAX_LOOK_MS = 50
const MAX_PENDING = 10_000
const LOOK_BATCH = 2000

interface Waiting {
  campaignId: string
  time: string
  deadline: number
}

/**
 * How every instance learns of every change. Each process has its own fan-out queue on
 * `payment.events`; a `payment.captured` or `payment.refunded` heard there means "this campaign is
 * about to change". The durable consumer (in whichever instance got the message) applies it; this
 * listener looks for the event's id in the inbox, in one batched query for everything it waits on
 * (every 5 ms at first, backing off to 50 ms), and once it is there re-reads the campaign's row in
 * that same query: the inbox row and the totals commit together, so the row read is the one that
 * includes the event. Only campaigns this instance holds or streams are kept; the others are looked
 * up too, so a miss that loaded a campaign while its event was in flight is corrected.
 *
 * Staleness bound (docs/decisions/0021): visible here within the apply time plus at most one look
 * interval (≤ 50 ms) of the commit while the fan-out is connected; a change whose notification is
 * lost (reconnect, more than MAX_PENDING in flight, the consumer taking longer than `maxWaitMs`) is
 * caught by the cache's periodic refresh.
 */
export async function listenForChanges(options: ChangeListenerOptions): Promise<ChangeListener> {
  const { cache, logger } = options
  const maxWaitMs = options.maxWaitMs ?? 30_000
  const pending = new Map<string, Waiting>()
  const settledHere = new RecentIds(10_000)
  let looping: Promise<void> | undefined
  let stopped = false

  const look = async (): Promise<boolean> => {
    const batch = [...pending].slice(0, LOOK_BATCH)
    const applied = await appliedWithTotals(
      options.sql,
      options.consumer,
      batch.map(([eventId, waiting]) => ({ eventId, campaignId: waiting.campaignId })),
    )
    for (const { eventId, totals } of applied) {
      const waiting = pending.get(eventId)
      pending.delete(eventId)
      if (!cache.tracks(totals.campaignId)) continue
      cache.offer(totals)
      if (waiting) recordVisible(cache.visibility, waiting.time, 'fanout')
    }
    const now = Date.now()
    const overdue = batch.filter(([id, waiting]) => pending.has(id) && now > waiting.deadline)
    if (overdue.length > 0) {
      logger.warn(
        { events: overdue.length },
        'payment events not applied in time; re-reading their campaigns',
      )
      for (const [id] of overdue) pending.delete(id)
      const campaigns = [...new Set(overdue.map(([, waiting]) => waiting.campaignId))].filter((id) =>
        cache.tracks(id),
      )
      for (const snapshot of await findManyTotals(options.sql, campaigns)) cache.offer(snapshot)
    }
    return applied.length > 0
  }

  const loop = async () => {
    let delay = FIRST_LOOK_MS
    while (!stopped && pending.size > 0) {
      await Bun.sleep(delay)
      try {
        delay = (await look()) ? FIRST_LOOK_MS : Math.min(delay * 2, MAX_LOOK_MS)
      } catch (error) {
        logger.warn({ err: error }, 'cannot look for applied payment events; retrying')
        delay = 250
      }
    }
    looping = undefined
  }

  const onEvent = (event: CloudEvent) => {
    if (event.type !== Events.PaymentCaptured && event.type !== Events.PaymentRefunded) return
    if (settledHere.has(event.id)) return
    if (pending.size >= MAX_PENDING) {
      const oldest = pending.keys().next().value
      if (oldest !== undefined) pending.delete(oldest)
    }
    const { campaignId } = event.data as { campaignId: string }
    pending.set(event.id, { campaignId, time: event.time, deadline: Date.now() + maxWaitMs })
    looping ??= loop()
  }

  const subscription = await subscribeFanout({
    broker: options.broker,
    logger,
    bindings: TOTALS_BINDINGS,
    onEvent,
  })
  return {
    settled: (eventId) => {
      settledHere.add(eventId)
      pending.delete(eventId)
    },
    pending: () => pending.size,
    stop: async () => {
      stopped = true
      await subscription.stop()
      await looping
    },
  }
}

/** The last `max` ids seen, forgetting the oldest first. */
class RecentIds {
  private readonly ids = new Set<string>()
  constructor(private readonly max: number) {}

  add(id: string): void {
    this.ids.add(id)
    if (this.ids.size > this.max) {
      const oldest = this.ids.values().next().value
      if (oldest !== undefined) this.ids.delete(oldest)
    }
  }

  has(id: string): boolean {
    return this.ids.has(id)
  }
}
