import { afterAll, describe, expect, it } from 'bun:test'
import { Hono } from 'hono'
import { clientIp, serviceEnv, trustProxies } from '../src'

// The address per-IP rate limits key on, over a real socket (the peer is 127.0.0.1): the
// right-most address in peer + X-Forwarded-For that is not a trusted proxy.
const app = new Hono()
app.get('/ip', (c) => c.text(clientIp(c, trustProxies(c.req.query('trust') ?? 'loopback'))))
const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch })
afterAll(() => server.stop(true))

async function ip(trust: string, forwardedFor?: string): Promise<string> {
  const url = `http://127.0.0.1:${server.port}/ip?trust=${encodeURIComponent(trust)}`
  const headers: Record<string, string> = forwardedFor ? { 'x-forwarded-for': forwardedFor } : {}
  return (await fetch(url, { headers })).text()
}

describe('clientIp', () => {
  it('is the peer when there is no X-Forwarded-For', async () => {
    expect(await ip('loopback')).toBe('127.0.0.1')
  })

  it('on one machine: the gateway (loopback) appended the client', async () => {
    expect(await ip('loopback', '203.0.113.7')).toBe('203.0.113.7')
  })

  it('behind a compose network or an ingress: skips every trusted hop from the right', async () => {
    // client → ingress (10.0.0.5 appended by the gateway) → gateway (peer) → service
    expect(await ip('loopback', '203.0.113.7, 10.0.0.5')).toBe('10.0.0.5')
    expect(await ip('loopback, uniquelocal', '203.0.113.7, 10.0.0.5')).toBe('203.0.113.7')
  })

  it('ignores what the client claimed to the left of the first untrusted address', async () => {
    expect(await ip('loopback, uniquelocal', '198.51.100.1, 203.0.113.7, 172.18.0.4')).toBe('203.0.113.7')
  })

  it('believes no header from a peer that is not a trusted proxy', async () => {
    expect(await ip('10.0.0.0/8', '203.0.113.7')).toBe('127.0.0.1')
  })
})

describe('TRUSTED_PROXIES', () => {
  it('defaults to loopback and rejects what is not an address, a range or a known name', () => {
    expect(serviceEnv.parse({}).TRUSTED_PROXIES).toBe('loopback')
    expect(
      serviceEnv.parse({ TRUSTED_PROXIES: 'loopback, uniquelocal, 192.0.2.0/24' }).TRUSTED_PROXIES,
    ).toBeString()
    expect(serviceEnv.safeParse({ TRUSTED_PROXIES: 'gateway' }).success).toBe(false)
  })
})
