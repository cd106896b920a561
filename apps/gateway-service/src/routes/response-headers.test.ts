import { describe, expect, it } from 'bun:test'
import { Hono, type MiddlewareHandler } from 'hono'
import { cors } from 'hono/cors'
import { secureHeaders } from 'hono/secure-headers'
import { responseHeaders, SECURITY_HEADERS } from './response-headers'

const ORIGINS = ['http://localhost:5173', 'http://localhost:3000']
const EXPOSED = ['X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'Location']

/** The same routes behind the given middleware: answers of every kind the gateway gives. */
function appWith(...middleware: MiddlewareHandler[]) {
  const app = new Hono()
  app.use('*', ...middleware)
  app.get('/json', (c) => c.json({ ok: true }))
  // What a proxied answer looks like: a Response built elsewhere, with headers of its own.
  app.get('/proxied', () => {
    return new Response('{}', {
      status: 201,
      headers: {
        'content-type': 'application/json',
        vary: 'Accept',
        'access-control-allow-origin': '*',
        'x-powered-by': 'upstream',
        'x-frame-options': 'ALLOW',
      },
    })
  })
  app.get('/throws', () => {
    throw new Error('boom')
  })
  app.post('/created', (c) => c.text('made', 201))
  app.onError((_error, c) => c.json({ status: 500 }, 500))
  app.notFound((c) => c.json({ status: 404 }, 404))
  return app
}

const hono = appWith(cors({ origin: ORIGINS, exposeHeaders: EXPOSED, maxAge: 600 }), secureHeaders())
const ours = appWith(responseHeaders({ origins: ORIGINS, exposeHeaders: EXPOSED, maxAgeSeconds: 600 }))

const headersOf = (res: Response) => [...res.headers.entries()].sort(([a], [b]) => a.localeCompare(b))

describe('responseHeaders', () => {
  const requests: [string, string, Record<string, string>][] = []
  for (const path of ['/json', '/proxied', '/throws', '/nowhere']) {
    for (const origin of [undefined, 'http://localhost:5173', 'https://evil.example']) {
      requests.push(['GET', path, origin ? { origin } : {}])
    }
  }
  requests.push(['POST', '/created', { origin: 'http://localhost:3000' }])
  requests.push([
    'OPTIONS',
    '/json',
    {
      origin: 'http://localhost:5173',
      'access-control-request-method': 'POST',
      'access-control-request-headers': 'authorization, content-type',
    },
  ])
  requests.push(['OPTIONS', '/json', { origin: 'https://evil.example' }])
  requests.push(['OPTIONS', '/proxied', {}])

  for (const [method, path, headers] of requests) {
    it(`sets exactly what cors() and secureHeaders() set: ${method} ${path} ${headers.origin ?? '(no origin)'}`, async () => {
      const init = { method, headers }
      const expected = await hono.request(path, init)
      const actual = await ours.request(path, init)
      expect(actual.status).toBe(expected.status)
      expect(headersOf(actual)).toEqual(headersOf(expected))
      expect(await actual.text()).toBe(await expected.text())
    })
  }

  it("holds hono/secure-headers' defaults, no more and no less", async () => {
    const app = new Hono()
    app.use('*', secureHeaders())
    app.get('/', (c) => c.text(''))
    const res = await app.request('/')
    const set = headersOf(res).filter(([name]) => name !== 'content-type')
    expect(set).toEqual(
      SECURITY_HEADERS.map(([name, value]) => [name.toLowerCase(), value] as [string, string]).sort(
        ([a], [b]) => a.localeCompare(b),
      ),
    )
  })
})
