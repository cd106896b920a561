import { describe, expect, it } from 'bun:test'
import { context, trace } from '@opentelemetry/api'
import { InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace'
import {
  contextFromHeaders,
  injectTraceHeaders,
  meter,
  metricsText,
  startTelemetry,
  traceHeaders,
  tracer,
} from './index'

const exporter = new InMemorySpanExporter()
startTelemetry({ serviceName: 'otel-test', spanProcessors: [new SimpleSpanProcessor({ exporter })] })

describe('trace propagation', () => {
  it('carries the active trace through headers to a child span', () => {
    const parent = tracer.startSpan('producer')
    const headers = context.with(trace.setSpan(context.active(), parent), () => traceHeaders())
    parent.end()
    expect(headers.traceparent).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)

    const child = tracer.startSpan('consumer', {}, contextFromHeaders(headers))
    child.end()
    expect(child.spanContext().traceId).toBe(parent.spanContext().traceId)
    const finished = exporter.getFinishedSpans().find((s) => s.name === 'consumer')
    expect(finished?.parentSpanContext?.spanId).toBe(parent.spanContext().spanId)
  })

  it('injects traceparent into fetch headers', () => {
    const span = tracer.startSpan('outgoing')
    const headers = context.with(trace.setSpan(context.active(), span), () =>
      injectTraceHeaders(new Headers()),
    )
    span.end()
    expect(headers.get('traceparent')).toContain(span.spanContext().traceId)
  })

  it('reads AMQP-style Buffer header values', () => {
    const span = tracer.startSpan('buffered')
    const headers = context.with(trace.setSpan(context.active(), span), () => traceHeaders())
    span.end()
    const ctx = contextFromHeaders({ traceparent: Buffer.from(headers.traceparent!) })
    expect(trace.getSpanContext(ctx)?.traceId).toBe(span.spanContext().traceId)
  })
})

describe('metricsText', () => {
  it('serves recorded instruments in Prometheus text format', async () => {
    meter().createCounter('otel_test_things_total', { description: 'things' }).add(3, { kind: 'a' })
    const text = await metricsText()
    expect(text).toContain('# TYPE otel_test_things_total counter')
    expect(text).toContain('otel_test_things_total{kind="a",otel_scope_name="careforall"} 3')
  })
})
