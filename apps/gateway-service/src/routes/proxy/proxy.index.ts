import { AppError, bearerToken, type TokenVerifier } from '@careforall/http'
import { Hono, type MiddlewareHandler } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import { isInternalPath } from '../../domain/internal-path'
import { SERVICE_KEYS, SERVICES } from '../../domain/services'
import { chatSocketUpgrade } from '../chat-socket/upgrade'
import { captureClient, type ProxyEnv } from './client'
import { type ForwardOptions, forwardTo } from './forward'

export interface ProxyOptions extends ForwardOptions {
  bodyLimitBytes: number
  /** Checks a bearer token's signature and claims; the services check roles and the denylist. */
  verifier: TokenVerifier
  /** Origins that may open chat sockets (CORS_ORIGINS). */
  corsOrigins: string[]
}

/**
 * The public routes of every service (ARCHITECTURE.md's gateway table), each forwarded as is.
 * Before anything reaches an upstream: `/internal` paths are refused as if they did not exist,
 * the client connection is recorded, and bodies over the limit are refused with 413.
 */
export function proxyRouter(options: ProxyOptions): Hono<ProxyEnv> {
  const router = new Hono<ProxyEnv>()
  router.use(
    '/api/*',
    hideInternal(),
    rejectInvalidToken(options.verifier),
    captureClient(),
    bodyLimit({
      maxSize: options.bodyLimitBytes,
      onError: () => {
        throw new AppError(
          413,
          'content-too-large',
          'Content Too Large',
          `The request body is larger than ${options.bodyLimitBytes} bytes`,
        )
      },
    }),
  )
  // A chat room's socket: checked by the chat service over HTTP, then relayed (decision 0025).
  router.get(
    '/api/chat/campaigns/:campaignId/ws',
    chatSocketUpgrade({
      chatUrl: options.upstreams.chat,
      origins: options.corsOrigins,
      forward: forwardTo('chat', options),
      timeoutMs: options.timeoutMs,
    }),
  )
  for (const key of SERVICE_KEYS) {
    const { prefix } = SERVICES[key]
    const forward = forwardTo(key, options)
    router.all(prefix, forward)
    router.all(`${prefix}/*`, forward)
  }
  return router
}

/**
 * Service-to-service routes are never public. The same 404 as an unknown route, so a prober
 * learns nothing; the path is checked raw (before decoding) because upstreams might decode
 * `%2F` or `..` differently from our router.
 */
function hideInternal(): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const url = c.req.url
    const pathStart = url.indexOf('/', url.indexOf(':') + 3)
    const queryStart = url.indexOf('?', pathStart)
    const rawPath = url.slice(pathStart, queryStart === -1 ? undefined : queryStart)
    if (isInternalPath(rawPath)) return c.notFound()
    await next()
  }
}

/**
 * A request that carries an Authorization header must carry a valid token: a forged, expired or
 * malformed one is refused here (401) before it costs an upstream anything. No header passes on:
 * webhooks, guest pledges and public reads need none, and each service decides.
 */
function rejectInvalidToken(verifier: TokenVerifier): MiddlewareHandler<ProxyEnv> {
  return async (c, next) => {
    const token = bearerToken(c.req.header('authorization'))
    if (token) await verifier.verify(token)
    await next()
  }
}
