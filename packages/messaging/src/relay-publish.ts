import { contextFromHeaders } from '@careforall/otel'
import { context } from '@opentelemetry/api'
import type { ConfirmChannel } from 'amqplib'
import { withTimeout } from './timeout'

/** A claimed outbox row, payload and metadata kept as text (no JSON round trip, no key transform). */
export interface OutboxRow {
  id: string
  type: string
  exchange: string
  payload: string
  metadata: string
  createdAt: Date
  /** Claims so far, this one included: how far a failing row has backed off. */
  attempts: number
}

/** Publishes handed to the broker; `confirmed` settles with each row's outcome. */
export interface PublishedBatch {
  /** Per row: undefined once the broker confirmed it, the error otherwise (nack, closed channel, no confirm in time). */
  confirmed: Promise<(Error | undefined)[]>
}

/**
 * Publishes rows on a confirm channel without waiting for any confirm (only for the socket to
 * drain when amqplib asks): the caller claims the next batch while the broker confirms this one.
 */
export async function publishRows(
  channel: ConfirmChannel,
  rows: OutboxRow[],
  confirmTimeoutMs: number,
): Promise<PublishedBatch> {
  const confirms: Promise<Error | undefined>[] = []
  let broken: Error | undefined
  for (const row of rows) {
    if (broken) {
      confirms.push(Promise.resolve(broken))
      continue
    }
    const headers = JSON.parse(row.metadata) as Record<string, string>
    const { promise, resolve } = Promise.withResolvers<Error | undefined>()
    confirms.push(promise)
    try {
      // Published inside the producer's context: with the amqplib instrumentation loaded, its
      // publish span joins the producing request's trace instead of starting a new one.
      const writable = context.with(contextFromHeaders(headers), () =>
        channel.publish(
          row.exchange,
          row.type,
          Buffer.from(row.payload),
          {
            persistent: true,
            messageId: row.id,
            type: row.type,
            contentType: 'application/cloudevents+json; charset=utf-8',
            timestamp: Math.floor(row.createdAt.getTime() / 1000),
            headers,
          },
          (error: unknown) => resolve(error ? asError(error) : undefined),
        ),
      )
      if (!writable) await drained(channel)
    } catch (error) {
      broken = asError(error)
      resolve(broken)
    }
  }
  const confirmed = Promise.all(
    confirms.map((confirm) =>
      withTimeout(confirm, confirmTimeoutMs, `no publisher confirm within ${confirmTimeoutMs} ms`).catch(
        asError,
      ),
    ),
  )
  return { confirmed }
}

function drained(channel: ConfirmChannel): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      channel.off('drain', done)
      channel.off('close', done)
      resolve()
    }
    channel.once('drain', done)
    channel.once('close', done)
  })
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error))
}
