import { type Context, context, type Link, propagation, ROOT_CONTEXT, trace } from '@opentelemetry/api'

/** W3C trace headers (`traceparent`, `tracestate`) of the active context, to store or send on. */
export function traceHeaders(ctx: Context = context.active()): Record<string, string> {
  const carrier: Record<string, string> = {}
  propagation.inject(ctx, carrier)
  return carrier
}

/** Adds the active trace context to outgoing fetch headers (Bun's fetch is not instrumented). */
export function injectTraceHeaders(headers: Headers, ctx: Context = context.active()): Headers {
  propagation.inject(ctx, headers, {
    set: (carrier, key, value) => carrier.set(key, value),
  })
  return headers
}

/** The context carried by stored or received headers (an outbox row, an AMQP message). */
export function contextFromHeaders(headers: Record<string, unknown> | undefined): Context {
  if (!headers) return ROOT_CONTEXT
  const carrier: Record<string, string> = {}
  for (const [key, value] of Object.entries(headers)) {
    if (typeof value === 'string') carrier[key.toLowerCase()] = value
    else if (Buffer.isBuffer(value)) carrier[key.toLowerCase()] = value.toString()
  }
  return propagation.extract(ROOT_CONTEXT, carrier)
}

/** A span link to the context stored headers carry (none when they carry none). */
export function linksFromHeaders(headers: Record<string, unknown> | undefined): Link[] {
  const spanContext = trace.getSpanContext(contextFromHeaders(headers))
  return spanContext && trace.isSpanContextValid(spanContext) ? [{ context: spanContext }] : []
}
