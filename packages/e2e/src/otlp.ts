import { gunzipSync } from 'node:zlib'

/** A span as an OTLP/HTTP JSON export carries it, with the service that exported it. */
export interface ReceivedSpan {
  service: string
  traceId: string
  spanId: string
  parentSpanId: string
  name: string
  kind: number
  attributes: Record<string, unknown>
  links: { traceId: string; spanId: string }[]
}

interface OtlpValue {
  stringValue?: string
  intValue?: string | number
  boolValue?: boolean
  doubleValue?: number
}
interface OtlpAttribute {
  key: string
  value: OtlpValue
}
interface OtlpExport {
  resourceSpans?: {
    resource?: { attributes?: OtlpAttribute[] }
    scopeSpans?: {
      spans?: {
        traceId: string
        spanId: string
        parentSpanId?: string
        name: string
        kind: number
        attributes?: OtlpAttribute[]
        links?: { traceId: string; spanId: string }[]
      }[]
    }[]
  }[]
}

const plainValue = (value: OtlpValue) =>
  value.stringValue ?? value.intValue ?? value.boolValue ?? value.doubleValue ?? undefined
const attributesOf = (attributes: OtlpAttribute[] = []) =>
  Object.fromEntries(attributes.map((attribute) => [attribute.key, plainValue(attribute.value)]))

/**
 * A loopback OTLP/HTTP receiver standing in for the Collector: services export to it with
 * `OTEL_EXPORTER_OTLP_ENDPOINT`, and a test reads back every span they sent (JSON encoding, the
 * one `@opentelemetry/exporter-trace-otlp-http` speaks; gzip accepted). Metrics are accepted and dropped.
 */
export function startOtlpReceiver(): { url: string; spans: ReceivedSpan[]; stop(): void } {
  const spans: ReceivedSpan[] = []
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    async fetch(req) {
      const path = new URL(req.url).pathname
      if (req.method !== 'POST') return new Response(null, { status: 405 })
      if (path !== '/v1/traces') return Response.json({})
      let body = new Uint8Array(await req.arrayBuffer())
      if (req.headers.get('content-encoding') === 'gzip') body = gunzipSync(body)
      if (!req.headers.get('content-type')?.includes('json')) return new Response(null, { status: 415 })
      const exported = JSON.parse(new TextDecoder().decode(body)) as OtlpExport
      for (const resourceSpans of exported.resourceSpans ?? []) {
        const service = String(attributesOf(resourceSpans.resource?.attributes)['service.name'] ?? '')
        for (const scope of resourceSpans.scopeSpans ?? []) {
          for (const span of scope.spans ?? []) {
            spans.push({
              service,
              traceId: span.traceId,
              spanId: span.spanId,
              parentSpanId: span.parentSpanId ?? '',
              name: span.name,
              kind: span.kind,
              attributes: attributesOf(span.attributes),
              links: span.links ?? [],
            })
          }
        }
      }
      return Response.json({})
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, spans, stop: () => server.stop(true) }
}
