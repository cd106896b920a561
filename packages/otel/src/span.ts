import { type Context, context, type Span, type SpanOptions, SpanStatusCode } from '@opentelemetry/api'
import { tracer } from './instruments'

/**
 * Runs `work` in a span made active (so logs carry its ids, child spans nest under it and the
 * events it publishes carry the trace on), under `parent` when given (a stored or received
 * context) and the active context otherwise. A throw marks the span as failed, records the
 * exception and is rethrown; the span always ends.
 */
export function withSpan<T>(
  name: string,
  options: SpanOptions & { parent?: Context },
  work: (span: Span) => Promise<T>,
): Promise<T> {
  const { parent, ...spanOptions } = options
  return tracer.startActiveSpan(name, spanOptions, parent ?? context.active(), async (span) => {
    try {
      return await work(span)
    } catch (error) {
      span.recordException(error as Error)
      span.setStatus({ code: SpanStatusCode.ERROR })
      throw error
    } finally {
      span.end()
    }
  })
}
