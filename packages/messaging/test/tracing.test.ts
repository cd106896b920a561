import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { Events } from '@careforall/contracts'
import { openDatabase, type Sql, withTransaction } from '@careforall/db'
import { metricsText, startTelemetry, traceHeaders, tracer } from '@careforall/otel'
import { context, type SpanContext, SpanKind, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace'
import type { ConsumeMessage } from 'amqplib'
import { messagingMigrations, publish, startConsumer, startOutboxRelay } from '../src'
import { inConsumerSpan } from '../src/consumer-span'
import { captured, createMessagingWorld, type MessagingWorld, waitFor } from './support/world'

const exporter = new InMemorySpanExporter()
startTelemetry({
  serviceName: 'messaging-trace-test',
  spanProcessors: [new SimpleSpanProcessor({ exporter })],
})

let world: MessagingWorld
let pledge: Sql

beforeAll(async () => {
  world = await createMessagingWorld()
  pledge = await openDatabase({
    url: world.resources.databaseUrl('pledge'),
    schema: 'pledge',
    migrations: [messagingMigrations],
    logger: world.logger,
    max: 4,
  })
}, 30_000)
afterAll(async () => {
  await pledge?.end({ timeout: 1 })
  await world?.cleanup()
}, 30_000)

function activeSpanContext(): SpanContext {
  return trace.getActiveSpan()!.spanContext()
}

describe('trace context across the outbox and RabbitMQ', () => {
  it("gives the consumer's span the producer's trace id and parent, carries it on through the handler's own events, and counts it all in the metrics", async () => {
    const broker = await world.connect('tracing')
    const seen: { atPublish?: SpanContext; inHandler?: SpanContext } = {}
    const relays = await Promise.all(
      [
        { sql: world.producer, schema: 'payment' },
        { sql: pledge, schema: 'pledge' },
      ].map(({ sql, schema }) =>
        startOutboxRelay({
          sql,
          databaseUrl: world.resources.databaseUrl(schema),
          schema,
          broker,
          logger: world.logger,
        }),
      ),
    )
    const pledgeConsumer = await startConsumer({
      broker,
      sql: pledge,
      logger: world.logger,
      queue: 'pledge-service.payment-events',
      bindings: [{ exchange: 'payment.events', routingKeys: ['payment.captured'] }],
      handlers: {
        'payment.captured': async (event, { tx }) => {
          seen.inHandler = activeSpanContext()
          await publish(tx, 'pledge-service', {
            type: Events.PledgeStateChanged,
            data: {
              pledgeId: event.data.pledgeId,
              campaignId: event.data.campaignId,
              from: 'AUTHORIZED',
              to: 'CAPTURED',
              causeEventId: event.id,
            },
            aggregate: 'pledge',
            aggregateId: event.data.pledgeId,
          })
        },
      },
    })
    let finalContext: SpanContext | undefined
    const totalsConsumer = await startConsumer({
      broker,
      sql: world.consumer,
      logger: world.logger,
      queue: 'totals-service.pledge-events',
      bindings: [{ exchange: 'pledge.events', routingKeys: ['pledge.*'] }],
      handlers: {
        'pledge.state_changed': async () => {
          finalContext = activeSpanContext()
        },
      },
    })
    try {
      const origin = await tracer.startActiveSpan(
        'POST /api/payments/webhooks/sandbox',
        { kind: SpanKind.SERVER },
        async (span) => {
          const data = captured()
          await withTransaction(world.producer, async (tx) => {
            seen.atPublish = activeSpanContext()
            await publish(tx, 'payment-service', {
              type: Events.PaymentCaptured,
              data,
              aggregate: 'payment',
              aggregateId: data.paymentId,
            })
          })
          span.end()
          return span.spanContext()
        },
      )
      await waitFor(
        () => finalContext,
        (context) => context !== undefined,
      )

      const [row] = await world.producer<{ metadata: Record<string, string> }[]>`select metadata from outbox`
      expect(row!.metadata.traceparent).toBe(`00-${origin.traceId}-${seen.atPublish!.spanId}-01`)

      const consumerSpan = (queue: string) =>
        exporter
          .getFinishedSpans()
          .find((span) => span.name === `${queue} process` && span.kind === SpanKind.CONSUMER)!
      // A consumer span ends after its commit and ack, a moment after the handler ran.
      await waitFor(
        () => consumerSpan('totals-service.pledge-events'),
        (span) => span !== undefined,
      )
      const first = consumerSpan('pledge-service.payment-events')
      expect(first.spanContext().traceId).toBe(origin.traceId)
      expect(first.parentSpanContext?.spanId).toBe(seen.atPublish!.spanId)
      expect(seen.inHandler!.traceId).toBe(origin.traceId)

      // The handler's own event continues the same trace, one hop further.
      const second = consumerSpan('totals-service.pledge-events')
      const [pledgeRow] = await pledge<{ metadata: Record<string, string> }[]>`select metadata from outbox`
      expect(pledgeRow!.metadata.traceparent).toBe(`00-${origin.traceId}-${seen.inHandler!.spanId}-01`)
      expect(second.spanContext().traceId).toBe(origin.traceId)
      expect(second.parentSpanContext?.spanId).toBe(seen.inHandler!.spanId)
      expect(finalContext!.traceId).toBe(origin.traceId)

      // The same run, seen from /metrics.
      const metrics = await metricsText()
      expect(metrics).toContain('outbox_published_total{schema="payment"')
      expect(metrics).toContain('outbox_backlog{schema="pledge"')
      expect(metrics).toContain('outbox_oldest_age_seconds{schema="payment"')
      expect(metrics).toContain(
        'messaging_handler_duration_seconds_bucket{queue="totals-service.pledge-events"',
      )
      expect(metrics).toMatch(
        /messaging_queue_depth\{queue="pledge-service.payment-events",kind="dlq"[^}]*\} 0/,
      )
    } finally {
      await Promise.all([pledgeConsumer.stop(), totalsConsumer.stop()])
      await Promise.all(relays.map((relay) => relay.stop()))
    }
  }, 30_000)
})

describe('the consumer span beside the amqplib auto-instrumentation', () => {
  it("nests under the instrumentation's process span of the same trace, and continues the headers otherwise", async () => {
    const publishSpan = tracer.startSpan('payment.events publish', { kind: SpanKind.PRODUCER })
    const producerContext = trace.setSpan(context.active(), publishSpan)
    const message = {
      fields: { routingKey: 'payment.captured', exchange: 'payment.events' },
      properties: { messageId: 'm-1', headers: traceHeaders(producerContext) },
    } as unknown as ConsumeMessage
    const parentOf = async () => {
      let parent: string | undefined
      let traceId: string | undefined
      await inConsumerSpan('payment.events process', message, {}, async (span) => {
        parent = (span as unknown as { parentSpanContext?: SpanContext }).parentSpanContext?.spanId
        traceId = span.spanContext().traceId
      })
      return { parent, traceId }
    }

    // No instrumentation span active: the producer's span is the parent.
    expect(await parentOf()).toEqual({
      parent: publishSpan.spanContext().spanId,
      traceId: publishSpan.spanContext().traceId,
    })

    // amqplib's process span for this delivery is active: ours is its child, not its sibling.
    const processSpan = tracer.startSpan(
      'payment.events process',
      { kind: SpanKind.CONSUMER },
      producerContext,
    )
    const nested = await context.with(trace.setSpan(producerContext, processSpan), parentOf)
    expect(nested).toEqual({
      parent: processSpan.spanContext().spanId,
      traceId: publishSpan.spanContext().traceId,
    })

    // A span of another trace being active (say, a poll loop's) is not taken for it.
    const unrelated = tracer.startSpan('loop')
    const apart = await context.with(trace.setSpan(context.active(), unrelated), parentOf)
    expect(apart.parent).toBe(publishSpan.spanContext().spanId)
    for (const span of [processSpan, unrelated, publishSpan]) span.end()
  })
})
