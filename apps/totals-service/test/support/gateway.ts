import { createLogger } from '@careforall/logger'
import { buildApp } from '../../../gateway-service/src/app'

/** A URL nothing listens on: the services this test does not run. */
function closedPort(): string {
  const server = Bun.serve({ port: 0, hostname: '127.0.0.1', fetch: () => new Response() })
  const url = `http://127.0.0.1:${server.port}`
  server.stop(true)
  return url
}

/**
 * The real gateway app (apps/gateway-service) served by Bun.serve in this process, with the totals
 * service under test as its totals upstream. `idleTimeout` lets a test prove that event streams
 * outlive Bun's idle timer on both hops.
 */
export function startGateway(totalsUrl: string, options: { idleTimeout?: number } = {}) {
  const down = closedPort()
  const app = buildApp({
    logger: createLogger({ serviceName: 'gateway-service', level: 'silent' }),
    upstreams: { auth: down, campaign: down, pledge: down, payment: down, totals: totalsUrl, chat: down },
    upstreamTimeoutMs: 5000,
    bodyLimitBytes: 1024 * 1024,
    corsOrigins: [],
    probeTimeoutMs: 200,
    adminDir: '/nonexistent/admin-dist', // the panel is not what these tests look at
  })
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: app.fetch,
    ...(options.idleTimeout ? { idleTimeout: options.idleTimeout } : {}),
  })
  return { url: `http://127.0.0.1:${server.port}`, stop: () => server.stop(true) }
}
