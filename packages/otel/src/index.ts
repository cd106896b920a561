export { durationBuckets, meter, tracer } from './instruments'
export { contextFromHeaders, injectTraceHeaders, linksFromHeaders, traceHeaders } from './propagation'
export {
  metricsText,
  shutdownTelemetry,
  startTelemetry,
  type TelemetryOptions,
  telemetryStarted,
} from './sdk'
export { withSpan } from './span'
