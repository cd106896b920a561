import { type AppOpenAPI, createApp, type ReadinessChecks, UnauthorizedError } from '@careforall/http'
import { createLogger } from '@careforall/logger'

/** A request as the upstream service received it. */
export interface Received {
  method: string
  /** Path and query exactly as they arrived. */
  target: string
  headers: Headers
  body: Uint8Array
}

export interface FakeUpstream {
  url: string
  received: Received[]
  app: AppOpenAPI
  stop(): void
}

const silent = (service: string) => createLogger({ serviceName: service, level: 'silent' })

/**
 * A real service on a real port: `createApp()` (so `/health`, `/ready` and `/openapi.json` are
 * the genuine article), whatever routes `configure` adds, then a catch-all that records each
 * request and answers `{ ok: true }`.
 */
export function startUpstream(
  service: string,
  options: { configure?: (app: AppOpenAPI) => void; readiness?: ReadinessChecks } = {},
): FakeUpstream {
  const app = createApp({
    service,
    logger: silent(service),
    readiness: options.readiness ?? {},
    // Routes a test declares with `security` need a verifier: this one knows no token.
    auth: {
      verifier: {
        verify: async () => {
          throw new UnauthorizedError()
        },
      },
    },
  })
  options.configure?.(app)
  const received: Received[] = []
  app.all('*', async (c) => {
    const url = c.req.url
    received.push({
      method: c.req.method,
      target: url.slice(url.indexOf('/', url.indexOf(':') + 3)),
      headers: new Headers(c.req.raw.headers),
      body: new Uint8Array(await c.req.arrayBuffer()),
    })
    return c.json({ ok: true, service })
  })
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: app.fetch })
  return { url: `http://127.0.0.1:${server.port}`, received, app, stop: () => server.stop(true) }
}

/** The URL of a port nothing listens on: a service that is down. */
export function closedPortUrl(): string {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const url = `http://127.0.0.1:${server.port}`
  server.stop(true)
  return url
}
