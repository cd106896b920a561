import { type Meter, metrics, trace } from '@opentelemetry/api'

/** The tracer every package of ours uses (a proxy: spans start recording once the SDK runs). */
export const tracer = trace.getTracer('careforall')

/**
 * The meter every package of ours uses. A function, not a constant: unlike tracers, meters are
 * not proxied, so one taken before the SDK starts would stay a no-op forever.
 */
export function meter(): Meter {
  return metrics.getMeter('careforall')
}

/** Histogram buckets in seconds for request and query durations (Prometheus `le` labels). */
export const durationBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
