import { durationBuckets, meter } from '@careforall/otel'

// The instrument types, without a direct dependency on @opentelemetry/api.
type Meter = ReturnType<typeof meter>
type Histogram = ReturnType<Meter['createHistogram']>
type Counter = ReturnType<Meter['createCounter']>

export interface ReadModelMetrics {
  /** From the payment service recording a change (the event's time) to this instance serving it. */
  visible: Histogram
  /** Cache misses and degraded-mode re-reads: the only SQL a GET can cause. */
  loads: Counter
}

/** Taken when the read model is built, not at import: meters are not proxied (see @careforall/otel). */
export function readModelMetrics(): ReadModelMetrics {
  const m = meter()
  return {
    visible: m.createHistogram('totals_change_visible_seconds', {
      description: 'From a payment event being recorded to this instance serving its effect',
      unit: 's',
      advice: { explicitBucketBoundaries: durationBuckets },
    }),
    loads: m.createCounter('totals_cache_loads_total', {
      description: 'Campaign totals read from PostgreSQL because they were not in memory (or stale)',
    }),
  }
}

/** Records the visibility delay of an event whose effect this instance now serves. */
export function recordVisible(
  metrics: ReadModelMetrics,
  eventTime: string | undefined,
  how: 'local' | 'fanout',
) {
  if (!eventTime) return
  const seconds = (Date.now() - Date.parse(eventTime)) / 1000
  if (Number.isFinite(seconds) && seconds >= 0) metrics.visible.record(seconds, { path: how })
}
