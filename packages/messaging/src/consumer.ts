import { type CloudEvent, type EventType, parseEvent } from '@careforall/contracts'
import { backoffMs, type Sql, type TransactionSql, withTransaction } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import type { BatchObservableResult } from '@opentelemetry/api'
import type { Channel, ConsumeMessage } from 'amqplib'
import type { Broker } from './connection'
import { inConsumerSpan } from './consumer-span'
import { keepChannel } from './keep-channel'
import { messagingMetrics } from './metrics'
import { queueDepthReader } from './queue-depth'
import { attemptOf, type Binding, declareConsumerQueue, dlqOf } from './topology'
import { isTransientDatabaseError } from './transient'

/** What a handler gets besides its event: the transaction its effect and outbox rows go in. */
export interface HandlerContext {
  tx: TransactionSql
  event: CloudEvent
  /** Carries the event id and type; lines logged inside carry the trace ids too. */
  logger: Logger
}

export type EventHandlers = Partial<{
  [T in EventType]: (event: CloudEvent<T>, ctx: HandlerContext) => Promise<void>
}>

export interface ConsumerOptions {
  broker: Broker
  sql: Sql
  logger: Logger
  /** One durable queue per consuming service and purpose, e.g. `totals-service.payment-events`. */
  queue: string
  bindings: Binding[]
  handlers: EventHandlers
  /**
   * Events this consumer has nothing to do, decided from the event alone (say, the audit log and a
   * capture no admin asked for): acked as `ignored` without a transaction or an inbox row.
   */
  accepts?(event: CloudEvent): boolean
  /** Unacknowledged deliveries at once, handled concurrently. Default 100. */
  prefetch?: number
  /** Redeliveries (crashes, lost channels) before RabbitMQ moves a message down the retry ladder. Default 10. */
  deliveryLimit?: number
  /** The retry ladder: one delay per retry, then the DLQ. Default 1 s, 5 s, 30 s. */
  retryDelaysMs?: number[]
  /** Called once a delivery is settled (acked after commit, or nacked): for benchmarks and probes. */
  onSettled?(settled: SettledDelivery): void
}

export interface SettledDelivery {
  messageId: string | undefined
  outcome: 'applied' | 'duplicate' | 'ignored' | 'failed'
  /** From receipt to ack or nack. */
  durationMs: number
}

export interface Consumer {
  /** Stops taking deliveries, lets the in-flight ones finish and ack, and closes the channel. */
  stop(): Promise<void>
}

/** Thrown to abandon a delivery on stop: left unacked, the broker hands it to someone else. */
const STOPPING = Symbol('stopping')

/**
 * Consumes a durable quorum queue with exactly-once effects: in ONE transaction the event id
 * goes into the inbox (`ON CONFLICT DO NOTHING`; a duplicate is acked and skipped) and the
 * handler runs; the ack follows the commit, so a crash in between redelivers an event the inbox
 * then recognises. A failing handler's delivery is nacked without requeue into the retry ladder
 * (growing delays held by the broker), then parked in `<queue>.dlq`: never acked away, never
 * requeued hot. While the database is unreachable deliveries wait instead of failing. The
 * channel, queue and consumer come back by themselves after a broker restart.
 */
export async function startConsumer(options: ConsumerOptions): Promise<Consumer> {
  const { queue, logger, sql } = options
  const retryDelaysMs = options.retryDelaysMs ?? [1000, 5000, 30_000]
  const metrics = messagingMetrics()
  const attrs = { queue }
  const inFlight = new Set<Promise<void>>()
  const consumerTags = new WeakMap<Channel, string>()
  let stopped = false

  const untilDatabaseAnswers = async <T>(work: () => Promise<T>): Promise<T> => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await work()
      } catch (error) {
        if (!isTransientDatabaseError(error)) throw error
        if (stopped) throw STOPPING
        logger.warn({ err: error }, 'database unreachable; holding the delivery')
        await Bun.sleep(backoffMs(attempt + 1, 100, 2000))
        if (stopped) throw STOPPING
      }
    }
  }

  const apply = async (event: CloudEvent): Promise<'applied' | 'duplicate' | 'ignored'> => {
    const handler = options.handlers[event.type] as
      | ((event: CloudEvent, ctx: HandlerContext) => Promise<void>)
      | undefined
    if (!handler || options.accepts?.(event) === false) return 'ignored'
    const handlerLogger = logger.child({ queue, eventId: event.id, eventType: event.type })
    return untilDatabaseAnswers(() =>
      withTransaction(
        sql,
        async (tx) => {
          const claimed = await tx`
            insert into inbox (consumer, event_id, type) values (${queue}, ${event.id}, ${event.type})
            on conflict do nothing returning 1 as claimed`
          if (claimed.length === 0) return 'duplicate'
          await handler(event, { tx, event, logger: handlerLogger })
          return 'applied'
        },
        { name: `${queue} ${event.type}` },
      ),
    )
  }

  const deliver = async (channel: Channel, message: ConsumeMessage) => {
    const attempt = attemptOf(message.fields.routingKey)
    const started = performance.now()
    let outcome: SettledDelivery['outcome']
    try {
      outcome = await inConsumerSpan(
        `${queue} process`,
        message,
        { 'messaging.destination.name': queue, 'messaging.rabbitmq.attempt': attempt },
        (span) => {
          const event = parseEvent(JSON.parse(message.content.toString()))
          span.setAttribute('cloudevents.event_id', event.id)
          span.setAttribute('cloudevents.event_type', event.type)
          return apply(event)
        },
      )
      if (outcome === 'duplicate') metrics.duplicates.add(1, attrs)
      settle(() => channel.ack(message))
    } catch (error) {
      if (error === STOPPING) return
      outcome = 'failed'
      const parked = attempt > retryDelaysMs.length
      ;(parked ? metrics.deadLettered : metrics.retries).add(1, attrs)
      logger.error(
        { err: error, queue, messageId: message.properties.messageId, attempt, parked },
        parked
          ? 'event handling failed for the last time; parked in the DLQ'
          : 'event handling failed; will retry',
      )
      settle(() => channel.nack(message, false, false))
    }
    const durationMs = performance.now() - started
    const type = String(message.properties.type ?? 'unknown')
    metrics.handlerDuration.record(durationMs / 1000, { queue, type, outcome })
    const messageId = message.properties.messageId
    options.onSettled?.({
      messageId: messageId === undefined ? undefined : String(messageId),
      outcome,
      durationMs,
    })
  }

  const channels = await keepChannel({
    broker: options.broker,
    logger,
    open: async (model) => {
      const channel = await model.createChannel()
      await declareConsumerQueue(channel, {
        queue,
        bindings: options.bindings,
        deliveryLimit: options.deliveryLimit ?? 10,
        retryDelaysMs,
      })
      await channel.prefetch(options.prefetch ?? 100)
      const { consumerTag } = await channel.consume(queue, (message) => {
        // The broker cancelled us (queue deleted): closing makes the keeper redeclare and resume.
        if (!message) return void channel.close().catch(() => undefined)
        const delivery = deliver(channel, message).finally(() => inFlight.delete(delivery))
        inFlight.add(delivery)
      })
      consumerTags.set(channel, consumerTag)
      return channel
    },
  })

  // One reading of the queue's depths feeds both the gauge and `/ready` (through the broker).
  const depths = queueDepthReader(queue, () => channels.current())
  const depth = metrics.meter.createObservableGauge('messaging_queue_depth', {
    description: 'Messages ready in a consumer queue (lag) and in its dead-letter queue',
  })
  const observe = async (result: BatchObservableResult) => {
    const read = await depths(1000)
    if (!read) return
    result.observe(depth, read.main, { queue, kind: 'main' })
    result.observe(depth, read.dlq, { queue, kind: 'dlq' })
  }
  metrics.meter.addBatchObservableCallback(observe, [depth])
  const forgetDeadLetters = options.broker.watchDeadLetters(
    dlqOf(queue),
    async (timeoutMs) => (await depths(timeoutMs))?.dlq,
  )

  return {
    stop: async () => {
      if (stopped) return
      stopped = true
      metrics.meter.removeBatchObservableCallback(observe, [depth])
      forgetDeadLetters()
      const channel = channels.current()
      const tag = channel && consumerTags.get(channel)
      if (channel && tag) await channel.cancel(tag).catch(() => undefined)
      await Promise.allSettled([...inFlight])
      await channels.close()
    },
  }
}

/** Acks and nacks on a channel that died meanwhile throw; the broker redelivers those anyway. */
function settle(action: () => void): void {
  try {
    action()
  } catch {}
}
