import { afterAll, describe, expect, it } from 'bun:test'
import { PROBLEM_CONTENT_TYPE } from '@careforall/contracts'
import { DEAD_LETTER_DEPTHS } from '@careforall/http'
import type { ServiceKey } from '../src/domain/services'
import { startGateway } from './helpers/gateway'
import { type FakeUpstream, startUpstream } from './helpers/upstream'

const up = async () => true
/** What a service's broker says its dead-letter queues hold (see `dependencyChecks`). */
const parked = (depths: Record<string, number>) => ({ [DEAD_LETTER_DEPTHS]: async () => depths })
const upstreams: Partial<Record<ServiceKey, FakeUpstream>> = {
  auth: startUpstream('auth-service', {
    readiness: { postgres: up, redis: up, ...parked({ 'auth-service.payment-events.dlq': 0 }) },
  }),
  // Unready (its database is down), yet still reporting its dead letters in the 503.
  campaign: startUpstream('campaign-service', {
    readiness: { postgres: async () => false, rabbitmq: up, ...parked({}) },
  }),
  pledge: startUpstream('pledge-service', {
    readiness: { postgres: up, ...parked({ 'pledge-service.payment-events.dlq': 2 }) },
  }),
  payment: startUpstream('payment-service', {
    readiness: { postgres: up, ...parked({ 'payment-service.pledge-events.dlq': 3 }) },
  }),
  // Its readiness check hangs: the gateway must not wait for it.
  totals: startUpstream('totals-service', {
    readiness: { postgres: () => Bun.sleep(1500).then(() => true) },
  }),
  chat: startUpstream('chat-service', { readiness: { postgres: up } }),
}
const urls = Object.fromEntries(Object.entries(upstreams).map(([key, upstream]) => [key, upstream.url]))
const { chat: _down, ...allButChat } = urls
const degraded = startGateway(allButChat, { probeTimeoutMs: 300 })
const healthy = startGateway(urls)
afterAll(() => {
  degraded.stop()
  healthy.stop()
  for (const upstream of Object.values(upstreams)) upstream.stop()
})

describe('GET /api/status', () => {
  it("reports every service's readiness, telling unready from down", async () => {
    const started = performance.now()
    const res = await fetch(`${degraded.url}/api/status`)
    expect(res.status).toBe(200)
    expect(performance.now() - started).toBeLessThan(1200)
    expect(await res.json()).toEqual({
      status: 'degraded',
      services: {
        auth: {
          status: 'ready',
          checks: { postgres: 'up', redis: 'up' },
          dlq: { 'auth-service.payment-events.dlq': 0 },
        },
        campaign: { status: 'unready', checks: { postgres: 'down', rabbitmq: 'up' }, dlq: {} },
        pledge: {
          status: 'ready',
          checks: { postgres: 'up' },
          dlq: { 'pledge-service.payment-events.dlq': 2 },
        },
        payment: {
          status: 'ready',
          checks: { postgres: 'up' },
          dlq: { 'payment-service.pledge-events.dlq': 3 },
        },
        totals: { status: 'down' },
        chat: { status: 'down' },
      },
      dlq: { total: 5 },
    })
  })

  it('gives no dlq to a service whose /ready names none, and sums only what the others reported', async () => {
    const body = (await (await fetch(`${healthy.url}/api/status`)).json()) as {
      services: Record<string, { dlq?: Record<string, number> }>
      dlq: { total: number }
    }
    expect(body.services.chat?.dlq).toBeUndefined()
    expect(body.dlq).toEqual({ total: 5 })
  })
})

describe('GET /ready', () => {
  it('names the services that do not answer /health', async () => {
    const res = await fetch(`${degraded.url}/ready`)
    expect(res.status).toBe(503)
    expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE)
    const body = (await res.json()) as { detail: string; checks: Record<string, string> }
    expect(body.detail).toBe('chat-service not reachable')
    expect(body.checks).toEqual({
      'auth-service': 'up',
      'campaign-service': 'up',
      'pledge-service': 'up',
      'payment-service': 'up',
      'totals-service': 'up',
      'chat-service': 'down',
    })
  })

  it('is ready when every service answers /health, whatever their own readiness', async () => {
    const res = await fetch(`${healthy.url}/ready`)
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ status: 'ready' })
  })
})
