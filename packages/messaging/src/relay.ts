import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import type { BatchObservableResult } from '@opentelemetry/api'
import type { ConfirmChannel } from 'amqplib'
import type { Broker } from './connection'
import { type KeptChannel, keepChannel } from './keep-channel'
import { messagingMetrics } from './metrics'
import { listenForOutbox } from './outbox-listener'
import { type OutboxRow, type PublishedBatch, publishRows } from './relay-publish'
import { relayStore } from './relay-store'
import { declareExchanges } from './topology'

export interface OutboxRelayOptions {
  /** The service's pool (its role, its schema on the search path). */
  sql: Sql
  /** The same role's URL, for the dedicated LISTEN connection. */
  databaseUrl: string
  /** The service's schema: the relay listens on `<schema>_outbox`. */
  schema: string
  broker: Broker
  logger: Logger
  /** Most rows claimed and published per round, all confirms in flight at once. Default 200. */
  batchSize?: number
  /** The fallback sweep, for notifications lost while disconnected and rows due again. Default 2 s. */
  sweepMs?: number
  /** How long a claimed row stays invisible to other relays; a killed relay's rows come back after it. Default 30 s. */
  leaseMs?: number
  /** A publish not confirmed within this is counted as failed and retried. Default 10 s. */
  confirmTimeoutMs?: number
  /** How long `stop()` keeps publishing what is due before giving up. Default 5 s. */
  stopTimeoutMs?: number
  /**
   * Batches published and awaiting their confirms and marking while the next is claimed. Default
   * 1: within a batch every confirm is in flight at once, and on 2 cores a second batch in flight
   * measured worse (its claims queue behind marks on the relay's two connections).
   */
  batchesInFlight?: number
  /** Called after the broker confirmed a batch, before its rows are marked sent (tests crash here). */
  onBatchConfirmed?(ids: string[]): void | Promise<void>
}

export interface OutboxRelay {
  /** Publishes what is due (within `stopTimeoutMs`), then stops listening and closes its channel. */
  stop(): Promise<void>
  /** Resolves once every row due when called has been published, or at once if the broker is away. */
  flush(): Promise<void>
}

/**
 * The outbox relay of one service: publishes the rows `publish()` committed, in batches with
 * many confirms in flight, and marks them sent once the broker confirmed them. Wakes on
 * LISTEN/NOTIFY at commit, sweeps slowly as a fallback, and claims rows with `FOR UPDATE SKIP
 * LOCKED` plus a lease, so several instances share the work and a killed one's rows come back.
 * A row published but not marked (crash, lost confirm) is published again: consumers dedupe on
 * the event id (the inbox), so delivery is at-least-once and the effect exactly-once.
 */
export async function startOutboxRelay(options: OutboxRelayOptions): Promise<OutboxRelay> {
  const { logger } = options
  const batchSize = options.batchSize ?? 200
  const batchesInFlight = options.batchesInFlight ?? 1
  const confirmTimeoutMs = options.confirmTimeoutMs ?? 10_000
  const store = relayStore({
    databaseUrl: options.databaseUrl,
    schema: options.schema,
    leaseMs: options.leaseMs ?? 30_000,
    sql: options.sql,
  })
  const attrs = { schema: options.schema }
  const metrics = messagingMetrics()
  let channels: KeptChannel<ConfirmChannel> | undefined
  let stopped = false
  let claiming = false
  let inFlight = 0
  let wanted = false
  let idle = Promise.withResolvers<void>()
  let retryTimer: Timer | undefined

  /** Waits for a published batch's confirms, then marks its rows sent or backs them off. */
  const settle = async (rows: OutboxRow[], batch: PublishedBatch) => {
    const outcomes = await batch.confirmed
    const sent = rows.filter((_, index) => !outcomes[index]).map((row) => row.id)
    if (sent.length > 0) {
      await options.onBatchConfirmed?.(sent)
      await store.markSent(sent)
      metrics.published.add(sent.length, attrs)
    }
    const failed = rows.filter((_, index) => outcomes[index])
    if (failed.length > 0) {
      const error = outcomes.find((outcome) => outcome)!.message
      await store.markFailed(failed, error)
      metrics.publishFailures.add(failed.length, attrs)
      logger.warn({ count: failed.length, err: { message: error } }, 'outbox publish failed; backing off')
      retryTimer ??= setTimeout(() => {
        retryTimer = undefined
        wake()
      }, 300)
    }
  }

  /** Claims and publishes one batch; its confirms and marking go on while the next is claimed. */
  const round = async (channel: ConfirmChannel) => {
    const rows = await store.claim(batchSize)
    if (rows.length === batchSize) wanted = true // more are due
    if (rows.length === 0) return
    const batch = await publishRows(channel, rows, confirmTimeoutMs)
    inFlight++
    settle(rows, batch)
      .catch((error) =>
        logger.error({ err: error }, 'could not mark outbox rows; their lease brings them back'),
      )
      .finally(() => {
        inFlight--
        pump()
      })
  }

  /** Starts a round when one is wanted and allowed; settles `idle` once nothing is left to do. */
  const pump = () => {
    const channel = channels?.current()
    if (wanted && !stopped && channel && !claiming && inFlight < batchesInFlight) {
      wanted = false
      claiming = true
      round(channel)
        .catch((error) => logger.error({ err: error }, 'outbox relay round failed; the sweep retries'))
        .finally(() => {
          claiming = false
          pump()
        })
    }
    if (!claiming && inFlight === 0 && (!wanted || !channel || stopped)) {
      idle.resolve()
      idle = Promise.withResolvers<void>()
    }
  }

  /** Asks for another round (a commit, a sweep, a reconnect); resolves when the relay is idle. */
  const wake = (): Promise<void> => {
    wanted = true
    const settled = idle.promise
    pump()
    return settled
  }

  channels = await keepChannel({
    broker: options.broker,
    logger,
    open: async (model) => {
      const channel = await model.createConfirmChannel()
      await declareExchanges(channel)
      return channel
    },
    onOpen: () => queueMicrotask(wake),
  })
  const listener = listenForOutbox({
    databaseUrl: options.databaseUrl,
    channel: `${options.schema}_outbox`,
    notify: store.notify,
    logger,
    onWake: wake,
  })
  await listener.check()
  const sweep = setInterval(() => {
    void listener.check()
    wake()
  }, options.sweepMs ?? 2000)

  const backlog = metrics.meter.createObservableGauge('outbox_backlog', {
    description: 'Outbox rows not yet published',
  })
  const oldest = metrics.meter.createObservableGauge('outbox_oldest_age_seconds', {
    description: 'Age of the oldest unpublished outbox row',
    unit: 's',
  })
  const observe = async (result: BatchObservableResult) => {
    const row = await store.backlog().catch(() => undefined)
    if (!row) return
    result.observe(backlog, row.count, attrs)
    result.observe(oldest, row.age, attrs)
  }
  metrics.meter.addBatchObservableCallback(observe, [backlog, oldest])
  wake()

  return {
    flush: wake,
    stop: async () => {
      if (stopped) return
      const deadline = Bun.sleep(options.stopTimeoutMs ?? 5000)
      await Promise.race([wake(), deadline])
      stopped = true
      clearInterval(sweep)
      clearTimeout(retryTimer)
      metrics.meter.removeBatchObservableCallback(observe, [backlog, oldest])
      await listener.stop()
      await Promise.race([claiming || inFlight > 0 ? idle.promise : undefined, deadline])
      await channels?.close()
      await store.end()
    },
  }
}
