import { describe, expect, it } from 'bun:test'
import { metricsText, startTelemetry } from '@careforall/otel'
import { httpInstrumentationMiddleware } from '@hono/otel'
import { Hono, type MiddlewareHandler } from 'hono'
import { telemetry } from '../src/telemetry'

interface Recorded {
  name: string
  kind: number
  traceId: string
  parentSpanId: string | undefined
  attributes: Record<string, unknown>
  status: number
  events: string[]
}

const spans: Recorded[] = []
startTelemetry({
  serviceName: 'telemetry-test',
  spanProcessors: [
    {
      onStart() {},
      onEnd(span: {
        name: string
        kind: number
        spanContext(): { traceId: string }
        parentSpanContext?: { spanId: string }
        attributes: Record<string, unknown>
        status: { code: number }
        events: { name: string }[]
      }) {
        spans.push({
          name: span.name,
          kind: span.kind,
          traceId: span.spanContext().traceId,
          parentSpanId: span.parentSpanContext?.spanId,
          attributes: { ...span.attributes },
          status: span.status.code,
          events: span.events.map((event) => event.name),
        })
      },
      forceFlush: async () => {},
      shutdown: async () => {},
    } as never,
  ],
})

/** The same routes behind the given instrumentation: answers, errors, a miss. */
function appWith(instrumentation: MiddlewareHandler) {
  const app = new Hono()
  app.use('*', instrumentation)
  app.get('/api/things/:id', (c) => c.json({ id: c.req.param('id') }))
  app.post('/api/things', (c) => c.json({}, 201))
  app.get('/api/broken', () => {
    throw new Error('boom')
  })
  app.get('/api/unavailable', (c) => c.json({}, 503))
  app.onError((_error, c) => c.json({ status: 500 }, 500))
  return app
}

const requests: [string, RequestInit][] = [
  ['/api/things/1?token=secret', {}],
  ['/api/things/2', { headers: { traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01' } }],
  ['/api/things', { method: 'POST' }],
  ['/api/broken', {}],
  ['/api/unavailable', {}],
  ['/api/nowhere', {}],
]

async function run(app: Hono): Promise<Recorded[]> {
  const before = spans.length
  for (const [path, init] of requests) await app.request(path, init)
  return spans.slice(before)
}

/** Counts and buckets of the RED series in /metrics, sums aside (durations differ run to run). */
async function redSeries(): Promise<Map<string, number>> {
  const series = new Map<string, number>()
  for (const line of (await metricsText()).split('\n')) {
    if (!/^http_server_(request_duration_(count|bucket)|active_requests)\{/.test(line)) continue
    const at = line.lastIndexOf(' ')
    series.set(line.slice(0, at), Number(line.slice(at + 1)))
  }
  return series
}

describe('telemetry()', () => {
  it('records the spans and RED metrics @hono/otel recorded, under the same names', async () => {
    const options = { service: 'things-service', version: '1.2.3' }
    const reference = await run(
      appWith(
        httpInstrumentationMiddleware({
          serviceName: options.service,
          serviceVersion: options.version,
          spanNameFactory: (c) => `${c.req.method} ${c.req.routePath}`,
        }),
      ),
    )
    const afterReference = await redSeries()
    const ours = await run(appWith(telemetry(options)))
    const afterOurs = await redSeries()

    const comparable = (span: Recorded) => {
      const { 'url.full': _url, ...attributes } = span.attributes
      return { ...span, traceId: span.parentSpanId ? span.traceId : '(new)', attributes }
    }
    expect(ours.map(comparable)).toEqual(reference.map(comparable))
    expect(ours.map((span) => span.name)).toEqual([
      'GET /api/things/:id',
      'GET /api/things/:id',
      'POST /api/things',
      'GET /api/broken',
      'GET /api/unavailable',
      'GET /*',
    ])
    // The caller's trace is continued; secrets in the query never reach a span.
    expect(ours[1]).toMatchObject({
      traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
      parentSpanId: '00f067aa0ba902b7',
    })
    expect(ours[0]!.attributes['url.full']).toBe('http://localhost/api/things/1?token=[redacted]')

    // The same series, each counted once more by the second app: nothing renamed, nothing lost.
    expect([...afterOurs.keys()].sort()).toEqual([...afterReference.keys()].sort())
    // Counts per series; a finite bucket holds the requests faster than its bound, which depends
    // on how busy the machine was during each run, so only its presence is compared.
    for (const [series, value] of afterReference) {
      if (/le="[^+]/.test(series)) continue
      const expected = series.startsWith('http_server_active_requests') ? 0 : value * 2
      expect({ series, value: afterOurs.get(series) }).toEqual({ series, value: expected })
    }
    expect(afterReference.size).toBeGreaterThan(10)
  })
})
