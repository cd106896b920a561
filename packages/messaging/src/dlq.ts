import amqp, { type GetMessage, type MessagePropertyHeaders } from 'amqplib'
import { dlqOf } from './topology'

/** A parked message, as an operator needs to see it. */
export interface DeadLetter {
  messageId: string | undefined
  type: string | undefined
  /** Why and where it died, newest first (RabbitMQ's `x-death`). */
  deaths: { queue: string; reason: string; count: number }[]
  /** The CloudEvent, parsed, or the raw text if it is not JSON. */
  body: unknown
}

export interface ReplayOptions {
  /** Replay only these event ids; the rest stay parked. */
  ids?: string[]
}

/** `totals-service.payment-events` or `totals-service.payment-events.dlq`: both name the same pair. */
export function mainQueueOf(queue: string): string {
  return queue.endsWith('.dlq') ? queue.slice(0, -'.dlq'.length) : queue
}

/**
 * Lists what is parked in `<queue>.dlq` without removing anything: each message is fetched
 * unacknowledged and returned to the queue when the channel closes.
 */
export async function listDeadLetters(url: string, queue: string): Promise<DeadLetter[]> {
  const connection = await amqp.connect(url)
  try {
    const channel = await connection.createChannel()
    const messages = await takeAll(channel, dlqOf(mainQueueOf(queue)))
    await channel.close()
    return messages.map(describe)
  } finally {
    await connection.close().catch(() => undefined)
  }
}

/**
 * Sends parked messages back to their queue, as fresh deliveries with the whole retry ladder
 * ahead of them: republished on a confirm channel straight to the queue (not the exchange, so
 * other consumers of the event see no duplicate), and removed from the DLQ only once the broker
 * confirmed the copy. The inbox makes a replay of an already applied event a no-op.
 */
export async function replayDeadLetters(
  url: string,
  queue: string,
  options: ReplayOptions = {},
): Promise<number> {
  const target = mainQueueOf(queue)
  const connection = await amqp.connect(url)
  try {
    const channel = await connection.createConfirmChannel()
    await channel.checkQueue(target) // the default exchange silently drops a message for a missing queue
    const parked = await takeAll(channel, dlqOf(target))
    const chosen = parked.filter((message) => !options.ids || options.ids.includes(idOf(message) ?? ''))
    for (const message of chosen) {
      channel.sendToQueue(target, message.content, {
        persistent: true,
        messageId: message.properties.messageId,
        type: message.properties.type,
        contentType: message.properties.contentType,
        timestamp: message.properties.timestamp,
        headers: { ...freshHeaders(message.properties.headers), 'x-replayed-at': new Date().toISOString() },
      })
    }
    await channel.waitForConfirms()
    for (const message of chosen) channel.ack(message)
    await channel.close() // returns the messages not chosen to the DLQ
    return chosen.length
  } finally {
    await connection.close().catch(() => undefined)
  }
}

async function takeAll(channel: amqp.Channel, queue: string): Promise<GetMessage[]> {
  const { messageCount } = await channel.checkQueue(queue)
  const messages: GetMessage[] = []
  for (let index = 0; index < messageCount; index++) {
    const message = await channel.get(queue, { noAck: false })
    if (!message) break
    messages.push(message)
  }
  return messages
}

/** Drops the broker's death bookkeeping; keeps ours (traceparent, tracestate). */
function freshHeaders(headers: MessagePropertyHeaders | undefined): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(headers ?? {}).filter(
      ([key]) => !key.startsWith('x-death') && !key.startsWith('x-first-death') && key !== 'x-delivery-count',
    ),
  )
}

function idOf(message: GetMessage): string | undefined {
  const id = message.properties.messageId
  return id === undefined ? undefined : String(id)
}

function describe(message: GetMessage): DeadLetter {
  const text = message.content.toString()
  let body: unknown = text
  try {
    body = JSON.parse(text)
  } catch {}
  const deaths = (message.properties.headers?.['x-death'] ?? []) as {
    queue: string
    reason: string
    count: number
  }[]
  return {
    messageId: idOf(message),
    type: message.properties.type === undefined ? undefined : String(message.properties.type),
    deaths: deaths.map(({ queue, reason, count }) => ({ queue, reason, count })),
    body,
  }
}
