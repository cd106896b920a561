import { afterAll, describe, expect, it } from 'bun:test'
import { PROBLEM_CONTENT_TYPE } from '@careforall/contracts'
import { startGateway } from './helpers/gateway'
import { closedPortUrl, startUpstream } from './helpers/upstream'

/** Resolves when the slow route's request reaches the service, with its abort signal. */
let arrived: (signal: AbortSignal) => void = () => {}

const pledge = startUpstream('pledge-service', {
  configure: (app) => {
    app.get('/api/pledges/slow', async (c) => {
      arrived(c.req.raw.signal)
      await Bun.sleep(1000)
      return c.json({ late: true })
    })
  },
})
const gateway = startGateway({ pledge: pledge.url, campaign: closedPortUrl() }, { upstreamTimeoutMs: 150 })
afterAll(() => {
  gateway.stop()
  pledge.stop()
})

describe('when a service fails', () => {
  it('answers 504 when the service does not answer in time', async () => {
    const started = performance.now()
    const res = await fetch(`${gateway.url}/api/pledges/slow`)
    expect(res.status).toBe(504)
    expect(performance.now() - started).toBeLessThan(900)
    expect(res.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE)
    expect(await res.json()).toMatchObject({
      status: 504,
      title: 'Gateway Timeout',
      detail: 'pledge-service did not answer in time',
    })
  })

  it('answers 502 naming the service when nothing listens on its port, and nothing more', async () => {
    const res = await fetch(`${gateway.url}/api/campaigns/1`)
    expect(res.status).toBe(502)
    const body = (await res.json()) as Record<string, unknown>
    expect(body).toMatchObject({
      status: 502,
      title: 'Bad Gateway',
      detail: 'campaign-service is unavailable',
    })
    expect(body.requestId).toBe(res.headers.get('x-request-id') as string)
    // No address, port or error text of ours reaches the client.
    expect(JSON.stringify(body)).not.toMatch(/127\.0\.0\.1|ECONN|connect|:\d{4,5}/)
  })

  it('answers a disconnected client quietly with 499 and stops waiting for the service', async () => {
    const upstreamSignal = new Promise<AbortSignal>((resolve) => {
      arrived = resolve
    })
    const client = new AbortController()
    const pending = fetch(`${gateway.url}/api/pledges/slow`, { signal: client.signal }).catch(() => 'aborted')
    const signal = await upstreamSignal
    client.abort()
    expect(await pending).toBe('aborted')
    // The gateway aborts its upstream fetch, so the service sees its request go away too.
    await waitFor(() => signal.aborted)
    await waitFor(() => gateway.logs.some((line) => line.status === 499))
    const line = gateway.logs.find((entry) => entry.status === 499)
    expect(line).toMatchObject({ level: 'info', path: '/api/pledges/slow' })
    expect(gateway.logs.filter((entry) => entry.level === 'error')).toEqual([])
  })
})

async function waitFor(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time')
    await Bun.sleep(10)
  }
}
