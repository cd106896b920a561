import { contextFromHeaders, withSpan } from '@careforall/otel'
import { type Attributes, type Context, context, type Span, SpanKind, trace } from '@opentelemetry/api'
import type { ConsumeMessage } from 'amqplib'

/**
 * Runs `work` in a CONSUMER span that continues the producer's trace (from the message's
 * `traceparent`), made active so the handler's logs carry its ids and the events it publishes
 * carry the trace on to their own consumers.
 */
export function inConsumerSpan<T>(
  name: string,
  message: ConsumeMessage,
  attributes: Attributes,
  work: (span: Span) => Promise<T>,
): Promise<T> {
  return withSpan(
    name,
    {
      kind: SpanKind.CONSUMER,
      attributes: {
        'messaging.system': 'rabbitmq',
        'messaging.operation.type': 'process',
        'messaging.message.id': String(message.properties.messageId ?? ''),
        'messaging.rabbitmq.destination.routing_key': message.fields.routingKey,
        ...attributes,
      },
      parent: parentOf(message),
    },
    work,
  )
}

/**
 * The producer's context from the message headers, or, when the amqplib auto-instrumentation
 * (preloaded in every service) already opened its own process span for this delivery in that same
 * trace, that span: ours then nests under it instead of standing beside it as a second consumer
 * span of the same message.
 */
function parentOf(message: ConsumeMessage): Context {
  const fromHeaders = contextFromHeaders(message.properties.headers)
  const producer = trace.getSpanContext(fromHeaders)
  const active = trace.getActiveSpan()?.spanContext()
  const instrumented =
    producer && active && active.traceId === producer.traceId && active.spanId !== producer.spanId
  return instrumented ? context.active() : fromHeaders
}
