import { durationBuckets, meter } from '@careforall/otel'
import type { Counter, Histogram, Meter } from '@opentelemetry/api'

export interface MessagingMetrics {
  meter: Meter
  /** Outbox rows the broker confirmed. */
  published: Counter
  /** Outbox rows whose publish failed (they are retried with backoff). */
  publishFailures: Counter
  /** Handler failures sent to a retry rung. */
  retries: Counter
  /** Handler failures parked in `<queue>.dlq` after the last attempt. */
  deadLettered: Counter
  /** Deliveries recognised by the inbox and skipped. */
  duplicates: Counter
  /** Time to run a handler's transaction (seconds). */
  handlerDuration: Histogram
}

/**
 * The messaging instruments. Taken when a relay or consumer starts, not at import: meters are
 * not proxied, so one taken before the SDK starts would stay a no-op.
 */
export function messagingMetrics(): MessagingMetrics {
  const m = meter()
  return {
    meter: m,
    published: m.createCounter('outbox_published_total', { description: 'Outbox events confirmed' }),
    publishFailures: m.createCounter('outbox_publish_failures_total', {
      description: 'Outbox publish attempts that failed and will be retried',
    }),
    retries: m.createCounter('messaging_retries_total', { description: 'Failed deliveries sent to retry' }),
    deadLettered: m.createCounter('messaging_dead_lettered_total', {
      description: 'Failed deliveries parked in the dead-letter queue',
    }),
    duplicates: m.createCounter('messaging_duplicates_total', {
      description: 'Redelivered events the inbox recognised and skipped',
    }),
    handlerDuration: m.createHistogram('messaging_handler_duration_seconds', {
      description: 'Time to run an event handler and its transaction',
      unit: 's',
      advice: { explicitBucketBoundaries: durationBuckets },
    }),
  }
}
