import { DiagConsoleLogger, DiagLogLevel, diag } from '@opentelemetry/api'
import { getNodeAutoInstrumentations } from '@opentelemetry/auto-instrumentations-node'
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http'
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus'
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http'
import { resourceFromAttributes } from '@opentelemetry/resources'
import { type IMetricReader, PeriodicExportingMetricReader } from '@opentelemetry/sdk-metrics'
import { NodeSDK } from '@opentelemetry/sdk-node'
import {
  BatchSpanProcessor,
  NoopSpanProcessor,
  ParentBasedSampler,
  type SpanProcessor,
  TraceIdRatioBasedSampler,
} from '@opentelemetry/sdk-trace'
import './env'
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from '@opentelemetry/semantic-conventions'

export interface TelemetryOptions {
  serviceName: string
  serviceVersion?: string
  /** OTLP/HTTP base URL (the Collector); without it nothing is exported, metrics still serve /metrics. */
  otlpEndpoint?: string | undefined
  samplerRatio?: number
  /** Extra span processors, e.g. an in-memory exporter in tests. */
  spanProcessors?: SpanProcessor[]
}

interface Telemetry {
  sdk: NodeSDK
  prometheus: PrometheusExporter
}

let current: Telemetry | undefined
const serializer = new PrometheusSerializer()

/**
 * Starts the OpenTelemetry SDK once per process. Services get it through `bun --preload
 * @careforall/otel/register`, so it runs before any CommonJS dependency (amqplib) is required:
 * a static import inside the service would be too late for the auto-instrumentation's hooks.
 */
export function startTelemetry(options: TelemetryOptions): void {
  if (current) return
  diag.setLogger(new DiagConsoleLogger(), DiagLogLevel.ERROR)
  const prometheus = new PrometheusExporter({ preventServerStart: true })
  const metricReaders: IMetricReader[] = [prometheus]
  const spanProcessors = [...(options.spanProcessors ?? [])]
  if (options.otlpEndpoint) {
    const base = options.otlpEndpoint.replace(/\/$/, '')
    spanProcessors.push(
      new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${base}/v1/traces` }) }),
    )
    metricReaders.push(
      new PeriodicExportingMetricReader({
        exporter: new OTLPMetricExporter({ url: `${base}/v1/metrics` }),
        exportIntervalMillis: 15_000,
      }),
    )
  }
  // Without any processor the SDK registers no tracer provider: no spans, no trace ids in logs
  // and no traceparent passed on. Traces must propagate whether or not they are exported.
  if (spanProcessors.length === 0) spanProcessors.push(new NoopSpanProcessor())
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({
      [ATTR_SERVICE_NAME]: options.serviceName,
      [ATTR_SERVICE_VERSION]: options.serviceVersion ?? '0.0.0',
    }),
    resourceDetectors: [],
    sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(options.samplerRatio ?? 1) }),
    spanProcessors,
    metricReaders,
    instrumentations: [getNodeAutoInstrumentations()],
  })
  sdk.start()
  current = { sdk, prometheus }
}

/** Whether the SDK runs in this process (it does in services started with the preload). */
export function telemetryStarted(): boolean {
  return current !== undefined
}

/** The process's metrics in Prometheus text format, for a `GET /metrics` route. */
export async function metricsText(): Promise<string> {
  if (!current) return ''
  const { resourceMetrics } = await current.prometheus.collect()
  return serializer.serialize(resourceMetrics)
}

/** Flushes spans and metrics; called on graceful shutdown. */
export async function shutdownTelemetry(): Promise<void> {
  const telemetry = current
  current = undefined
  await telemetry?.sdk.shutdown().catch(() => undefined)
}
