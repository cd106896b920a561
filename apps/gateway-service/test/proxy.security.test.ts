import { afterAll, describe, expect, it } from 'bun:test'
import { PROBLEM_CONTENT_TYPE } from '@careforall/contracts'
import { rawStatus, startGateway } from './helpers/gateway'
import { startUpstream } from './helpers/upstream'

const campaign = startUpstream('campaign-service')
const payment = startUpstream('payment-service')
const gateway = startGateway({ campaign: campaign.url, payment: payment.url }, { bodyLimitBytes: 1024 })
afterAll(() => {
  gateway.stop()
  campaign.stop()
  payment.stop()
})

describe('internal routes', () => {
  const targets = [
    '/api/campaigns/internal/campaigns/1',
    '/internal/campaigns/1',
    '//internal/campaigns/1',
    '/api//internal/campaigns/1',
    '/api/x/../../internal/campaigns/1',
    '/api/campaigns/..%2F..%2Finternal/campaigns/1',
    '/api/campaigns/%2Finternal/campaigns/1',
    '/api/campaigns/%252Finternal%252Fcampaigns',
    '/api/campaigns/%69%6E%74%65%72%6E%61%6C/campaigns/1',
    '/api/payments/INTERNAL/payments/summary?campaignId=1',
    '/api/payments/internal;x=1/payments/summary',
    '/api/campaigns\\..\\internal\\campaigns\\1',
    '/api/campaigns/%2e%2e/%2e%2e/internal/campaigns/1',
  ]

  it('answers 404 for every spelling of an /internal path and never calls the service', async () => {
    const before = campaign.received.length + payment.received.length
    for (const target of targets) {
      expect({ target, status: await rawStatus(gateway.port, target) }).toEqual({ target, status: 404 })
    }
    expect(campaign.received.length + payment.received.length).toBe(before)
  })

  it('still forwards public paths that merely mention internal in a query or a word', async () => {
    expect(await rawStatus(gateway.port, '/api/campaigns?q=internal')).toBe(200)
    expect(await rawStatus(gateway.port, '/api/campaigns/internals-of-giving')).toBe(200)
  })
})

describe('request body limit', () => {
  it('refuses a body over the limit with a 413 problem without calling the service', async () => {
    const before = payment.received.length
    const res = await fetch(`${gateway.url}/api/payments/webhooks/sandbox`, {
      method: 'POST',
      body: new Uint8Array(1025),
    })
    expect(res.status).toBe(413)
    expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE)
    expect(await res.json()).toMatchObject({ status: 413, title: 'Content Too Large' })
    expect(payment.received.length).toBe(before)
  })

  it('refuses a chunked body that grows past the limit', async () => {
    const chunk = new Uint8Array(600)
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        controller.enqueue(chunk)
        controller.enqueue(chunk)
        controller.close()
      },
    })
    const res = await fetch(`${gateway.url}/api/payments/webhooks/sandbox`, {
      method: 'POST',
      body: stream,
      duplex: 'half',
    } as RequestInit)
    expect(res.status).toBe(413)
  })

  it('forwards a body exactly at the limit', async () => {
    const res = await fetch(`${gateway.url}/api/payments/webhooks/sandbox`, {
      method: 'POST',
      body: new Uint8Array(1024),
    })
    expect(res.status).toBe(200)
  })
})

describe('CORS and security headers', () => {
  it('answers a CORS preflight from an allowed origin itself', async () => {
    const before = campaign.received.length
    const res = await fetch(`${gateway.url}/api/campaigns`, {
      method: 'OPTIONS',
      headers: {
        origin: 'http://localhost:5173',
        'access-control-request-method': 'POST',
        'access-control-request-headers': 'authorization, content-type, idempotency-key',
      },
    })
    expect(res.status).toBe(204)
    expect(res.headers.get('access-control-allow-origin')).toBe('http://localhost:5173')
    expect(res.headers.get('access-control-allow-methods')).toContain('POST')
    expect(res.headers.get('access-control-allow-headers')).toBe('authorization,content-type,idempotency-key')
    expect(campaign.received.length).toBe(before)
  })

  it('grants no CORS access to an origin that is not allowed', async () => {
    const res = await fetch(`${gateway.url}/api/campaigns`, { headers: { origin: 'https://evil.example' } })
    expect(res.headers.has('access-control-allow-origin')).toBe(false)
  })

  it('puts CORS and security headers on proxied, error and operational responses alike', async () => {
    for (const path of ['/api/campaigns/1', '/api/pledges/1', '/no/such/route', '/health', '/openapi.json']) {
      const res = await fetch(gateway.url + path, { headers: { origin: 'http://localhost:5173' } })
      expect({ path, origin: res.headers.get('access-control-allow-origin') }).toEqual({
        path,
        origin: 'http://localhost:5173',
      })
      expect(res.headers.get('access-control-expose-headers')).toContain('X-Request-Id')
      expect(res.headers.get('x-content-type-options')).toBe('nosniff')
      expect(res.headers.get('x-frame-options')).toBe('SAMEORIGIN')
      expect(res.headers.get('strict-transport-security')).toContain('max-age=')
      expect(res.headers.get('referrer-policy')).toBe('no-referrer')
    }
  })
})
