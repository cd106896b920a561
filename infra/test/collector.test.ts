// The OpenTelemetry Collector's configuration, checked statically (no Collector binary here): every
// pipeline wired to components that are defined, traces to Jaeger, metrics to the prometheus
// exporter that Prometheus scrapes.
import { describe, expect, test } from 'bun:test'
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parse } from 'yaml'

const INFRA = join(import.meta.dir, '..')
const CONFIG_YAML = join(INFRA, 'otel-collector', 'config.yaml')
const PROMETHEUS_YML = join(INFRA, 'prometheus', 'prometheus.yml')

type Components = Record<string, Record<string, unknown> | null>
interface Pipeline {
  receivers: string[]
  processors?: string[]
  exporters: string[]
}
interface CollectorConfig {
  receivers: Components
  processors: Components
  exporters: Components
  extensions?: Components
  connectors?: Components
  service: {
    extensions?: string[]
    pipelines: Record<string, Pipeline>
    telemetry?: {
      metrics?: {
        readers?: { pull?: { exporter?: { prometheus?: { host: string; port: number } } } }[]
      }
    }
  }
}
interface PrometheusConfig {
  scrape_configs: { job_name: string; static_configs?: { targets: string[] }[] }[]
}

const config = parse(readFileSync(CONFIG_YAML, 'utf8')) as CollectorConfig
const pipelines = Object.entries(config.service.pipelines)
/** `otlp/jaeger` is an `otlp` component named `jaeger`. */
const typeOf = (id: string) => id.split('/')[0]
const exporter = (id: string) => config.exporters[id] as Record<string, unknown>

describe('otel-collector config.yaml', () => {
  test('yamllint', () => {
    const result = Bun.spawnSync(['yamllint', '--strict', '-c', join(INFRA, '.yamllint.yml'), CONFIG_YAML], {
      stdout: 'pipe',
      stderr: 'pipe',
    })
    expect(`${result.stdout.toString()}${result.stderr.toString()}`).toBe('')
    expect(result.exitCode).toBe(0)
  })

  test('has a traces and a metrics pipeline', () => {
    expect(Object.keys(config.service.pipelines).sort()).toEqual(['metrics', 'traces'])
  })

  test.each(pipelines)('the %s pipeline only uses components that are defined', (_name, pipeline) => {
    const connectors = Object.keys(config.connectors ?? {})
    for (const id of pipeline.receivers) {
      expect([...Object.keys(config.receivers), ...connectors], `receiver ${id}`).toContain(id)
    }
    for (const id of pipeline.processors ?? [])
      expect(Object.keys(config.processors), `processor ${id}`).toContain(id)
    for (const id of pipeline.exporters) {
      expect([...Object.keys(config.exporters), ...connectors], `exporter ${id}`).toContain(id)
    }
    expect(pipeline.receivers.length).toBeGreaterThan(0)
    expect(pipeline.exporters.length).toBeGreaterThan(0)
  })

  test.each(pipelines)('the %s pipeline limits memory first and batches', (_name, pipeline) => {
    expect(pipeline.processors?.[0]).toBe('memory_limiter')
    expect(pipeline.processors).toContain('batch')
  })

  test('every defined component is used, and every listed extension defined', () => {
    const used = pipelines.flatMap(([, p]) => [...p.receivers, ...(p.processors ?? []), ...p.exporters])
    for (const id of [
      ...Object.keys(config.receivers),
      ...Object.keys(config.processors),
      ...Object.keys(config.exporters),
    ]) {
      expect(used, id).toContain(id)
    }
    const extensions = config.service.extensions ?? []
    for (const id of extensions) expect(Object.keys(config.extensions ?? {}), id).toContain(id)
    expect(Object.keys(config.extensions ?? {}).sort()).toEqual([...extensions].sort())
  })

  test('receives OTLP over gRPC and HTTP on every interface', () => {
    const protocols = (config.receivers.otlp as { protocols: Record<string, { endpoint: string }> }).protocols
    expect(protocols.grpc?.endpoint).toBe('0.0.0.0:4317')
    expect(protocols.http?.endpoint).toBe('0.0.0.0:4318')
    for (const [, pipeline] of pipelines) expect(pipeline.receivers).toEqual(['otlp'])
  })

  test('traces go to Jaeger over OTLP', () => {
    const traces = config.service.pipelines.traces
    const jaeger = traces?.exporters.filter((id) => typeOf(id) === 'otlp') ?? []
    expect(jaeger).toEqual(['otlp/jaeger'])
    expect(exporter('otlp/jaeger').endpoint).toBe('jaeger:4317')
    expect(exporter('otlp/jaeger').tls).toEqual({ insecure: true })
  })

  test('metrics go to the prometheus exporter, on the port Prometheus scrapes', () => {
    const metrics = config.service.pipelines.metrics
    expect(metrics?.exporters.filter((id) => typeOf(id) === 'prometheus')).toEqual(['prometheus'])
    expect(exporter('prometheus').endpoint).toBe('0.0.0.0:8889')
    expect(exporter('prometheus').resource_to_telemetry_conversion).toEqual({ enabled: true })
  })

  test("the Collector's own metrics and health check listen where compose and Prometheus expect", () => {
    const readers = config.service.telemetry?.metrics?.readers ?? []
    expect(readers.map((reader) => reader.pull?.exporter?.prometheus)).toEqual([
      { host: '0.0.0.0', port: 8888 },
    ])
    expect(config.extensions?.health_check).toEqual({ endpoint: '0.0.0.0:13133' })
  })

  test('prometheus.yml scrapes both of its metrics ports', () => {
    const prometheus = parse(readFileSync(PROMETHEUS_YML, 'utf8')) as PrometheusConfig
    const targets = (job: string) =>
      prometheus.scrape_configs.find((c) => c.job_name === job)?.static_configs?.flatMap((s) => s.targets)
    expect(targets('otel-collector')).toEqual(['otel-collector:8888'])
    expect(targets('otel-collector-exporter')).toEqual(['otel-collector:8889'])
  })
})
