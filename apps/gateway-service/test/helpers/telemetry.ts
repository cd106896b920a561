import { startTelemetry } from '@careforall/otel'
import type { SpanKind } from '@opentelemetry/api'

export interface EndedSpan {
  name: string
  kind: SpanKind
  traceId: string
  spanId: string
  parentSpanId: string | undefined
}

const ended: EndedSpan[] = []

interface ReadableSpanLike {
  name: string
  kind: SpanKind
  spanContext(): { traceId: string; spanId: string }
  parentSpanContext?: { spanId: string }
}

/**
 * Starts the SDK as the preload does, with a processor that keeps ended spans for assertions.
 * (With no exporter at all the SDK registers no tracer provider, and nothing would record.)
 */
export function recordSpans(): EndedSpan[] {
  startTelemetry({
    serviceName: 'gateway-test',
    spanProcessors: [
      {
        onStart() {},
        onEnd(span: ReadableSpanLike) {
          const { traceId, spanId } = span.spanContext()
          ended.push({
            name: span.name,
            kind: span.kind,
            traceId,
            spanId,
            parentSpanId: span.parentSpanContext?.spanId,
          })
        },
        forceFlush: async () => {},
        shutdown: async () => {},
      },
    ],
  })
  return ended
}
