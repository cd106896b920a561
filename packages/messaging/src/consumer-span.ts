import { contextFromHeaders, tracer } from '@careforall/otel'
import { type Attributes, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api'
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
  const parent = contextFromHeaders(message.properties.headers)
  return tracer.startActiveSpan(
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
    },
    parent,
    async (span) => {
      try {
        return await work(span)
      } catch (error) {
        span.recordException(error as Error)
        span.setStatus({ code: SpanStatusCode.ERROR })
        throw error
      } finally {
        span.end()
      }
    },
  )
}
