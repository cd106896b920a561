import type { Channel } from 'amqplib'
import { withTimeout } from './timeout'
import { dlqOf } from './topology'

/** Messages ready in a consumer queue (its lag) and in its dead-letter queue. */
export interface QueueDepths {
  main: number
  dlq: number
}

/**
 * How long one read of the broker is reused. The depth gauge (at every scrape) and `/ready` (at
 * every probe of the gateway, compose or Kubernetes) then share one round trip instead of adding
 * one each; two seconds is well under any of their intervals, so neither sees an old figure.
 */
export const DEPTH_FRESH_MS = 2000

/** The longest one read may take; a broker that does not answer by then reports nothing. */
const READ_TIMEOUT_MS = 1000

/**
 * Reads a consumer queue's depths on the consumer's own channel (where both queues were declared)
 * and remembers them for DEPTH_FRESH_MS; callers asking meanwhile share one read. Each caller
 * waits at most its own `timeoutMs` and gets undefined when the channel is closed, the broker is
 * slow or it answers with an error: a depth is then missing, never made up, never thrown.
 */
export function queueDepthReader(
  queue: string,
  channel: () => Channel | undefined,
): (timeoutMs: number) => Promise<QueueDepths | undefined> {
  let last: { depths: QueueDepths; at: number } | undefined
  let reading: Promise<QueueDepths | undefined> | undefined
  const read = async (): Promise<QueueDepths | undefined> => {
    const open = channel()
    if (!open) return undefined
    const [main, parked] = await withTimeout(
      Promise.all([open.checkQueue(queue), open.checkQueue(dlqOf(queue))]),
      READ_TIMEOUT_MS,
    )
    const depths = { main: main.messageCount, dlq: parked.messageCount }
    last = { depths, at: performance.now() }
    return depths
  }
  return async (timeoutMs) => {
    if (last && performance.now() - last.at < DEPTH_FRESH_MS) return last.depths
    reading ??= read()
      .catch(() => undefined)
      .finally(() => {
        reading = undefined
      })
    return withTimeout(reading, timeoutMs).catch(() => undefined)
  }
}
