import { trace } from '@opentelemetry/api'
import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger } from 'pino'

export interface LoggerOptions {
  /** Goes into every line as `serviceName`, e.g. `campaign-service`. */
  serviceName: string
  level?: string
  /** Where lines go; stdout when omitted. Tests pass a stream to read lines back. */
  destination?: DestinationStream
}

/**
 * A pino logger that writes ARCHITECTURE.md's log format, one JSON line per event:
 * `level` (label), `message`, `serviceName`, `timestamp` (ISO-8601), and `traceId`/`spanId`
 * of the active span when there is one, so a line can be found from its trace and back.
 * Request-scoped fields (`requestId`, `userId`) are added by child loggers.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      messageKey: 'message',
      base: { serviceName: options.serviceName },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      formatters: { level: (label) => ({ level: label }) },
      mixin: traceFields,
      redact: {
        paths: [
          'password',
          '*.password',
          'token',
          '*.token',
          'refreshToken',
          '*.refreshToken',
          'authorization',
        ],
        censor: '[redacted]',
      },
    },
    options.destination,
  )
}

/** The ids of the span active where the line is logged (none outside a trace). */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()
  if (!span) return {}
  const spanContext = span.spanContext()
  if (!trace.isSpanContextValid(spanContext)) return {}
  return { traceId: spanContext.traceId, spanId: spanContext.spanId }
}
