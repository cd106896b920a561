import { Exchanges } from '@careforall/contracts'
import type { Channel } from 'amqplib'

/** A set of routing keys to bind from one exchange, e.g. `payment.events` × `payment.*`. */
export interface Binding {
  exchange: string
  routingKeys: string[]
}

/** The names of one consumer queue's satellites (retry ladder and parking lot). */
export interface QueueTopology {
  queue: string
  /** Where the main queue dead-letters failures; routes on the `attempt.N` routing key. */
  retryExchange: string
  /** Catches a first failure (its routing key is still the event type) for the first rung. */
  firstRetryExchange: string
  /** Brings a message whose delay expired back into the main queue, keeping its `attempt.N` key. */
  redeliverExchange: string
  retryQueues: string[]
  dlq: string
}

/** The parking lot of a consumer queue: `<queue>.dlq`. */
export function dlqOf(queue: string): string {
  return `${queue}.dlq`
}

/** The routing key a message carries on its `attempt`-th delivery from the retry ladder (≥ 2). */
export function attemptKey(attempt: number): string {
  return `attempt.${attempt}`
}

/** Which attempt a delivery is: 1 for a fresh event or a replay, N for `attempt.N`. */
export function attemptOf(routingKey: string): number {
  const match = /^attempt\.(\d+)$/.exec(routingKey)
  return match ? Number(match[1]) : 1
}

export function topologyOf(queue: string, retryRungs: number): QueueTopology {
  return {
    queue,
    retryExchange: `${queue}.retry`,
    firstRetryExchange: `${queue}.retry.first`,
    redeliverExchange: `${queue}.redeliver`,
    retryQueues: Array.from({ length: retryRungs }, (_, index) => `${queue}.retry.${index + 1}`),
    dlq: dlqOf(queue),
  }
}

// Quorum queues: replicated and durable, with a delivery limit (RabbitMQ 3.10 sets none by
// default) and at-least-once dead-lettering, so a message moving between rungs is never dropped.
const QUORUM = { 'x-queue-type': 'quorum' }
const AT_LEAST_ONCE = { 'x-dead-letter-strategy': 'at-least-once', 'x-overflow': 'reject-publish' }

/** Every domain's exchange, durable topic, so publishing and binding never meet a missing one. */
export async function declareExchanges(channel: Channel): Promise<void> {
  for (const exchange of Object.values(Exchanges)) {
    await channel.assertExchange(exchange, 'topic', { durable: true })
  }
}

export interface ConsumerQueueOptions {
  queue: string
  bindings: Binding[]
  deliveryLimit: number
  retryDelaysMs: number[]
}

/**
 * Declares a consumer's durable queue and its retry ladder, with nothing but dead-lettering:
 * a failed delivery is nacked without requeue; the main queue dead-letters it to the retry
 * exchange, which routes `attempt.N` to rung N (a first failure, still keyed by its event type,
 * falls through to rung 1 by the alternate exchange). Each rung holds it for its TTL and
 * dead-letters it back as `attempt.N+1`; a failure on the last attempt is routed to `<queue>.dlq`.
 * Delays grow without any timer in our process, and survive our restarts and the broker's.
 */
export async function declareConsumerQueue(
  channel: Channel,
  options: ConsumerQueueOptions,
): Promise<QueueTopology> {
  const names = topologyOf(options.queue, options.retryDelaysMs.length)
  await declareExchanges(channel)
  await channel.assertExchange(names.firstRetryExchange, 'fanout', { durable: true })
  await channel.assertExchange(names.retryExchange, 'direct', {
    durable: true,
    alternateExchange: names.firstRetryExchange,
  })
  await channel.assertExchange(names.redeliverExchange, 'fanout', { durable: true })
  await channel.assertQueue(names.queue, {
    durable: true,
    arguments: {
      ...QUORUM,
      ...AT_LEAST_ONCE,
      'x-delivery-limit': options.deliveryLimit,
      'x-dead-letter-exchange': names.retryExchange,
    },
  })
  for (const binding of options.bindings) {
    for (const key of binding.routingKeys) await channel.bindQueue(names.queue, binding.exchange, key)
  }
  await channel.bindQueue(names.queue, names.redeliverExchange, '')
  for (const [index, name] of names.retryQueues.entries()) {
    const attempt = index + 1
    await channel.assertQueue(name, {
      durable: true,
      arguments: {
        ...QUORUM,
        ...AT_LEAST_ONCE,
        'x-message-ttl': options.retryDelaysMs[index],
        'x-dead-letter-exchange': names.redeliverExchange,
        'x-dead-letter-routing-key': attemptKey(attempt + 1),
      },
    })
    if (attempt === 1) await channel.bindQueue(name, names.firstRetryExchange, '')
    else await channel.bindQueue(name, names.retryExchange, attemptKey(attempt))
  }
  await channel.assertQueue(names.dlq, { durable: true, arguments: QUORUM })
  await channel.bindQueue(names.dlq, names.retryExchange, attemptKey(names.retryQueues.length + 1))
  // Without rungs a first failure (keyed by its event type) goes straight to the parking lot.
  if (names.retryQueues.length === 0) await channel.bindQueue(names.dlq, names.firstRetryExchange, '')
  return names
}
