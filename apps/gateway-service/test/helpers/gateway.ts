import { connect } from 'node:net'
import { Writable } from 'node:stream'
import { createLogger } from '@careforall/logger'
import { buildApp, type Deps } from '../../src/app'
import type { ServiceKey, Upstreams } from '../../src/domain/services'
import { chatRelay } from '../../src/routes/chat-socket/relay'
import { closedPortUrl } from './upstream'

export interface TestGateway {
  url: string
  port: number
  /** Every log line the gateway wrote, parsed. */
  logs: Record<string, unknown>[]
  stop(): void
}

/**
 * The gateway on a real port (Bun.serve, as in production, so client addresses and server
 * timeouts are real). Services not given point at a closed port.
 */
export function startGateway(
  upstreams: Partial<Upstreams>,
  overrides: Partial<Omit<Deps, 'upstreams' | 'logger'>> & { idleTimeout?: number } = {},
): TestGateway {
  const logs: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) logs.push(JSON.parse(line))
      done()
    },
  })
  const down = closedPortUrl()
  const all = Object.fromEntries(
    (['auth', 'campaign', 'pledge', 'payment', 'totals', 'chat'] as ServiceKey[]).map((key) => [
      key,
      upstreams[key] ?? down,
    ]),
  ) as Upstreams
  const { idleTimeout, ...deps } = overrides
  const app = buildApp({
    logger: createLogger({ serviceName: 'gateway-service', level: 'debug', destination }),
    upstreams: all,
    upstreamTimeoutMs: 5000,
    bodyLimitBytes: 1024 * 1024,
    corsOrigins: ['http://localhost:5173'],
    probeTimeoutMs: 500,
    adminDir: '/nonexistent/admin-dist',
    ...deps,
  })
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: app.fetch,
    websocket: chatRelay({
      logger: createLogger({ serviceName: 'gateway-service', level: 'silent' }),
      idleTimeoutSeconds: 60,
      backpressureLimitBytes: 1024 * 1024,
    }),
    ...(idleTimeout ? { idleTimeout } : {}),
  })
  return {
    url: `http://127.0.0.1:${server.port}`,
    port: server.port ?? 0,
    logs,
    stop: () => server.stop(true),
  }
}

/**
 * Sends one request with exactly this request target, which `fetch` would normalise first
 * (`..`, `//`): returns the status code.
 */
export function rawStatus(port: number, target: string): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = ''
    const socket = connect(port, '127.0.0.1', () => {
      socket.write(`GET ${target} HTTP/1.1\r\nHost: gateway.test\r\nConnection: close\r\n\r\n`)
    })
    socket.on('data', (chunk) => {
      text += chunk.toString()
    })
    socket.on('error', reject)
    socket.on('close', () => {
      const status = /^HTTP\/1\.1 (\d{3})/.exec(text)?.[1]
      if (status) resolve(Number(status))
      else reject(new Error(`no HTTP response: ${text}`))
    })
  })
}
