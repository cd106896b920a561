import { afterAll, describe, expect, it } from 'bun:test'
import { SpanKind } from '@opentelemetry/api'
import { startGateway } from './helpers/gateway'
import { recordSpans } from './helpers/telemetry'
import { startUpstream } from './helpers/upstream'

// Spans must record for the gateway to put its own span into traceparent, as under the preload.
const spans = recordSpans()

const campaign = startUpstream('campaign-service', {
  configure: (app) => {
    app.get('/api/campaigns/moved', (c) => c.redirect('/api/campaigns/elsewhere', 302))
    app.get('/api/campaigns/gzipped', () => {
      return new Response(Bun.gzipSync(JSON.stringify({ compressed: true })), {
        headers: { 'content-type': 'application/json', 'content-encoding': 'gzip' },
      })
    })
    app.get('/api/campaigns/hop-by-hop', () => {
      return new Response('{}', {
        headers: {
          'content-type': 'application/json',
          connection: 'x-hop',
          'x-hop': 'one hop only',
          trailer: 'x-t',
        },
      })
    })
  },
})
const payment = startUpstream('payment-service')
const gateway = startGateway({ campaign: campaign.url, payment: payment.url })
afterAll(() => {
  gateway.stop()
  campaign.stop()
  payment.stop()
})

const last = <T>(list: T[]): T => list[list.length - 1] as T

describe('forwarding to a service', () => {
  it('forwards the path and query string unchanged', async () => {
    const target = '/api/campaigns/abc/pledges?status=ACTIVE&q=caf%C3%A9+au+lait&q=2&empty=&flag'
    const res = await fetch(gateway.url + target)
    expect(res.status).toBe(200)
    expect(await res.json()).toEqual({ ok: true, service: 'campaign-service' })
    expect(last(campaign.received).target).toBe(target)
  })

  it('forwards the exact collection path as well as paths below it', async () => {
    await fetch(`${gateway.url}/api/campaigns?limit=5`)
    expect(last(campaign.received).target).toBe('/api/campaigns?limit=5')
  })

  it('forwards binary body bytes unchanged', async () => {
    const bytes = new Uint8Array(4096).map((_, i) => (i * 7919) % 256)
    bytes.set([0xff, 0xfe, 0x00, 0xc3, 0x28, 0xe2, 0x82], 10) // not valid UTF-8 anywhere near
    await fetch(`${gateway.url}/api/payments/webhooks/sandbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/octet-stream' },
      body: bytes,
    })
    const received = last(payment.received)
    expect(received.method).toBe('POST')
    expect(received.body).toEqual(bytes)
    expect(received.headers.get('content-length')).toBe(String(bytes.length))
  })

  it('forwards a JSON body with unusual whitespace byte for byte, so its signature still verifies', async () => {
    const body = '{ "id" :"evt_1",\t"type":\r\n"payment.captured" ,  "data":{"amount":1000 }}\n\n  '
    const secret = 'whsec_test'
    const signature = new Bun.CryptoHasher('sha256', secret).update(`1700000000.${body}`).digest('hex')
    await fetch(`${gateway.url}/api/payments/webhooks/sandbox`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-sandbox-signature': `t=1700000000,v1=${signature}` },
      body,
    })
    const received = last(payment.received)
    const raw = new TextDecoder().decode(received.body)
    expect(raw).toBe(body)
    const recomputed = new Bun.CryptoHasher('sha256', secret).update(`1700000000.${raw}`).digest('hex')
    expect(received.headers.get('x-sandbox-signature')).toBe(`t=1700000000,v1=${recomputed}`)
  })

  it('forwards a chunked body of unknown length unchanged', async () => {
    const parts = ['{"a":', ' 1,', '\u00e9\u20ac "b" : [ ] }']
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const part of parts) controller.enqueue(new TextEncoder().encode(part))
        controller.close()
      },
    })
    await fetch(`${gateway.url}/api/payments/webhooks/sandbox`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(new TextDecoder().decode(last(payment.received).body)).toBe(parts.join(''))
  })

  it('appends the client address to X-Forwarded-For and says how the gateway was reached', async () => {
    await fetch(`${gateway.url}/api/campaigns/1`, {
      headers: { 'x-forwarded-for': '203.0.113.7', 'x-request-id': 'req-forward-test' },
    })
    const { headers } = last(campaign.received)
    expect(headers.get('x-forwarded-for')).toMatch(/^203\.0\.113\.7, (::ffff:)?127\.0\.0\.1$/)
    expect(headers.get('x-forwarded-proto')).toBe('http')
    expect(headers.get('x-forwarded-host')).toBe(`127.0.0.1:${gateway.port}`)
    expect(headers.get('x-request-id')).toBe('req-forward-test')
  })

  it("sends the upstream its own Host, not the client's", async () => {
    await fetch(`${gateway.url}/api/campaigns/1`, { headers: { host: 'evil.example' } })
    const { headers } = last(campaign.received)
    expect(headers.get('host')).toBe(new URL(campaign.url).host)
    expect(headers.get('x-forwarded-host')).toBe('evil.example')
  })

  it("continues the client's trace with the gateway's own span in traceparent", async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736'
    const clientSpan = '00f067aa0ba902b7'
    await fetch(`${gateway.url}/api/campaigns/1`, {
      headers: { traceparent: `00-${traceId}-${clientSpan}-01` },
    })
    const traceparent = last(campaign.received).headers.get('traceparent')
    expect(traceparent).toMatch(new RegExp(`^00-${traceId}-[0-9a-f]{16}-01$`))
    expect(traceparent).not.toContain(clientSpan)
    // The hop is the gateway's client span, so Jaeger shows the time spent upstream.
    const hop = spans.find((span) => traceparent?.includes(span.spanId))
    expect(hop).toMatchObject({ name: 'GET campaign-service', kind: SpanKind.CLIENT, traceId })
  })

  it('starts a trace for a request that arrives without one', async () => {
    await fetch(`${gateway.url}/api/campaigns/1`)
    expect(last(campaign.received).headers.get('traceparent')).toMatch(/^00-[0-9a-f]{32}-[0-9a-f]{16}-01$/)
  })

  it('strips X-Internal-Secret from client requests', async () => {
    await fetch(`${gateway.url}/api/campaigns/1`, {
      headers: { 'x-internal-secret': 'dev-internal-secret-change-me', 'x-client-header': 'kept' },
    })
    const { headers } = last(campaign.received)
    expect(headers.has('x-internal-secret')).toBe(false)
    expect(headers.get('x-client-header')).toBe('kept')
  })

  it('passes redirects back to the client instead of following them', async () => {
    const res = await fetch(`${gateway.url}/api/campaigns/moved`, { redirect: 'manual' })
    expect(res.status).toBe(302)
    expect(res.headers.get('location')).toBe('/api/campaigns/elsewhere')
  })

  it('passes a compressed answer on decoded, without the encoding headers that no longer match it', async () => {
    const res = await fetch(`${gateway.url}/api/campaigns/gzipped`, { decompress: false } as RequestInit)
    expect(res.headers.has('content-encoding')).toBe(false)
    expect(await res.json()).toEqual({ compressed: true })
  })

  it("does not pass on the client's hop-by-hop headers or its Accept-Encoding", async () => {
    await fetch(`${gateway.url}/api/campaigns/1`, {
      headers: {
        te: 'trailers',
        'proxy-authorization': 'Basic c2VjcmV0',
        'keep-alive': 'timeout=5',
        'accept-encoding': 'x-client-only',
        'x-client-header': 'kept',
      },
    })
    const { headers } = last(campaign.received)
    expect(headers.has('te')).toBe(false)
    expect(headers.has('proxy-authorization')).toBe(false)
    expect(headers.has('keep-alive')).toBe(false)
    expect(headers.get('accept-encoding')).not.toBe('x-client-only')
    expect(headers.get('x-client-header')).toBe('kept')
  })

  it("drops the service's hop-by-hop headers and those its Connection header names", async () => {
    const res = await fetch(`${gateway.url}/api/campaigns/hop-by-hop`)
    expect(res.status).toBe(200)
    expect(res.headers.has('x-hop')).toBe(false)
    expect(res.headers.has('trailer')).toBe(false)
    expect(res.headers.get('content-type')).toBe('application/json')
  })

  it('records a server span and a client span per proxied request, the log line carrying their trace', async () => {
    const traceId = '5bf92f3577b34da6a3ce929d0e0e4736'
    const res = await fetch(`${gateway.url}/api/campaigns/1?token=secret`, {
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    })
    const requestId = res.headers.get('x-request-id')
    expect(requestId).toBeTruthy()
    // The client's span → the gateway's server span → its client span → the service's server span.
    const ofTrace = spans.filter((span) => span.traceId === traceId)
    const server = ofTrace.find((span) => span.parentSpanId === '00f067aa0ba902b7')
    expect(server).toMatchObject({ kind: SpanKind.SERVER, name: 'GET /api/campaigns/*' })
    const hop = ofTrace.find((span) => span.parentSpanId === server?.spanId)
    expect(hop).toMatchObject({ kind: SpanKind.CLIENT, name: 'GET campaign-service' })
    expect(ofTrace.find((span) => span.parentSpanId === hop?.spanId)?.kind).toBe(SpanKind.SERVER)
    const line = gateway.logs.find(
      (entry) => entry.requestId === requestId && entry.message === 'request completed',
    )
    expect(line).toMatchObject({ traceId, path: '/api/campaigns/1?token=[redacted]', status: 200 })
  })

  it('counts proxied requests in the RED metrics, by route and status', async () => {
    await fetch(`${gateway.url}/api/campaigns/1`)
    const text = await (await fetch(`${gateway.url}/metrics`)).text()
    const count = text
      .split('\n')
      .find(
        (line) =>
          line.startsWith('http_server_request_duration_count{') &&
          line.includes('http_route="/api/campaigns/*"') &&
          line.includes('http_response_status_code="200"'),
      )
    expect(Number(count?.split(' ').at(-1))).toBeGreaterThan(0)
  })
})
