import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import {
  eventually,
  PlatformClient,
  type ReceivedSpan,
  type RunningPlatform,
  startOtlpReceiver,
  startPlatform,
} from '../src'

// One donation, one trace: the platform as `bun run dev` starts it exports its spans over OTLP to
// a loopback receiver standing in for the Collector, and the donation's trace is read back whole:
// gateway → pledge → RabbitMQ → payment → sandbox → (webhook) → payment → RabbitMQ → pledge, totals.
const SPAN_KIND = { internal: 1, server: 2, client: 3, producer: 4, consumer: 5 } as const

let world: TestResources
let platform: RunningPlatform
const otlp = startOtlpReceiver()

beforeAll(async () => {
  world = await createTestResources()
  platform = await startPlatform(world, {
    env: {
      DEV_SEED: 'false',
      OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
      // Batches leave every 500 ms instead of 5 s, so the test does not wait on the exporter.
      OTEL_BSP_SCHEDULE_DELAY: '500',
      SANDBOX_POLL_MS: '50',
      WEBHOOK_APPLY_INTERVAL_MS: '200',
    },
  })
}, 180_000)

afterAll(async () => {
  await platform?.stop()
  await world?.cleanup()
  otlp.stop()
}, 60_000)

/** The spans of one trace, with their parents and ancestors. */
function traceOf(traceId: string) {
  const spans = otlp.spans.filter((span) => span.traceId === traceId)
  const byId = new Map(spans.map((span) => [span.spanId, span]))
  const ancestors = (span: ReceivedSpan): ReceivedSpan[] => {
    const chain: ReceivedSpan[] = []
    for (let parent = byId.get(span.parentSpanId); parent; parent = byId.get(parent.parentSpanId)) {
      chain.push(parent)
    }
    return chain
  }
  const find = (service: string, name: string | RegExp) =>
    spans.filter(
      (span) =>
        span.service === service && (typeof name === 'string' ? span.name === name : name.test(span.name)),
    )
  const orphans = spans.filter((span) => span.parentSpanId !== '' && !byId.has(span.parentSpanId))
  return { spans, byId, ancestors, find, orphans }
}

describe('the trace of one donation', () => {
  it('holds every hop, from the gateway to the totals, under one root with no orphan span', async () => {
    const api = new PlatformClient(platform.gateway)
    const owner = await api.register('owner')
    const donor = await api.register('donor')
    const campaignId = await api.activeCampaign(owner.token)
    const created = await api.call<{ id: string }>('POST', '/api/pledges', {
      token: donor.token,
      headers: { 'idempotency-key': `trace-${Date.now()}` },
      body: { campaignId, amount: 25 },
    })
    expect(created.status).toBe(201)
    await eventually(
      () => api.call<{ totalAmount: number }>('GET', `/api/totals/${campaignId}`),
      (res) => res.body.totalAmount === 25,
      30_000,
    )

    const root = await eventually(
      async () =>
        otlp.spans.find((span) => span.service === 'gateway-service' && span.name === 'POST /api/pledges'),
      (span) => span !== undefined,
    )
    const traceId = root!.traceId
    // Spans leave each process in batches: wait until the last hop (totals' transaction) and every
    // parent have arrived.
    const trace = await eventually(
      async () => traceOf(traceId),
      (t) =>
        t.find('totals-service', /^db\.transaction .*payment\.captured$/).length === 1 &&
        t.orphans.length === 0,
      30_000,
    )

    expect(trace.orphans).toEqual([])
    expect(trace.spans.filter((span) => span.parentSpanId === '')).toEqual([root!])
    expect(root!.kind).toBe(SPAN_KIND.server)
    for (const service of [
      'gateway-service',
      'pledge-service',
      'campaign-service',
      'payment-service',
      'totals-service',
    ]) {
      expect(trace.spans.some((span) => span.service === service)).toBe(true)
    }

    const only = (service: string, name: string | RegExp) => {
      const found = trace.find(service, name)
      expect(found.length, `${service}: ${name}`).toBeGreaterThan(0)
      return found
    }
    const under = (span: ReceivedSpan, ancestor: ReceivedSpan) =>
      expect(trace.ancestors(span).map((a) => a.spanId)).toContain(ancestor.spanId)

    // HTTP: gateway → pledge (client span, then the service's server span), pledge → campaign.
    const [proxy] = only('gateway-service', 'POST pledge-service')
    expect(proxy!.kind).toBe(SPAN_KIND.client)
    expect(proxy!.parentSpanId).toBe(root!.spanId)
    const [pledgePost] = only('pledge-service', 'POST /api/pledges')
    expect(pledgePost!.parentSpanId).toBe(proxy!.spanId)
    under(only('campaign-service', 'GET /internal/campaigns/:id')[0]!, pledgePost!)
    const [createTx] = only('pledge-service', /^db\.transaction .*POST \/api\/pledges$/)
    under(createTx!, pledgePost!)

    // RabbitMQ: pledge.created published by the pledge service, consumed by the payment service.
    const [published] = only('pledge-service', 'publish pledge.events')
    expect(published!.kind).toBe(SPAN_KIND.producer)
    const [paymentTx] = only('payment-service', /^db\.transaction .*pledge\.created$/)
    under(paymentTx!, published!)
    expect(trace.ancestors(paymentTx!).some((span) => span.kind === SPAN_KIND.consumer)).toBe(true)

    // The provider: authorize and capture calls reach the sandbox inside the trace.
    const [authorize] = only('payment-service', 'payment.authorize')
    under(only('payment-service', 'POST /sandbox/v1/authorizations')[0]!, authorize!)
    const [capture] = only('payment-service', 'payment.capture')
    under(only('payment-service', 'POST /sandbox/v1/captures')[0]!, capture!)

    // The webhook hop: each apply continues the payment's stored context (so it is in this trace)
    // and links to the request that delivered the webhook, which is the provider's own trace.
    const applies = only('payment-service', 'payment.webhook.apply')
    expect(applies.length).toBeGreaterThanOrEqual(2)
    for (const apply of applies) {
      under(apply, paymentTx!)
      expect(apply.links).toHaveLength(1)
      const receipt = otlp.spans.find((span) => span.spanId === apply.links[0]!.spanId)
      expect(receipt).toMatchObject({
        service: 'payment-service',
        name: 'POST /api/payments/webhooks/:provider',
        kind: SPAN_KIND.server,
      })
    }

    // payment.captured back over RabbitMQ to the pledge service and the totals.
    const capturedPublishes = only('payment-service', 'publish payment.events')
    const pledgeCaptured = only('pledge-service', /^db\.transaction .*payment\.captured$/)[0]!
    const totalsCaptured = only('totals-service', /^db\.transaction .*payment\.captured$/)[0]!
    for (const consumed of [pledgeCaptured, totalsCaptured]) {
      const chain = trace.ancestors(consumed)
      expect(chain.some((span) => capturedPublishes.includes(span))).toBe(true)
      expect(chain.some((span) => applies.includes(span))).toBe(true)
      expect(chain.at(-1)).toBe(root!)
    }

    // Logs: the request lines of the donation carry its trace id.
    const lines = platform
      .output()
      .split('\n')
      .filter((line) => line.includes(`"traceId":"${traceId}"`))
    expect(lines.some((line) => line.includes('"serviceName":"gateway-service"'))).toBe(true)
    expect(lines.some((line) => line.includes('"serviceName":"pledge-service"'))).toBe(true)
    console.log(
      `one donation: ${trace.spans.length} spans in one trace across ${new Set(trace.spans.map((s) => s.service)).size} services, ${applies.length} webhook applies linked to their receipts, no orphan`,
    )
  }, 90_000)
})
