import { redactUrl } from '@careforall/http'
import { injectTraceHeaders, tracer } from '@careforall/otel'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { Handler } from 'hono'
import { proxy } from 'hono/proxy'
import { forwardHeaders } from '../../domain/forward-headers'
import { isEventStream, SERVICES, type ServiceKey, type Upstreams } from '../../domain/services'
import type { ProxyEnv } from './client'
import { UpstreamTimeout, upstreamFailure } from './upstream-failure'

export interface ForwardOptions {
  upstreams: Upstreams
  /** How long the upstream may take to send its response headers. */
  timeoutMs: number
}

/**
 * Bun's fetch cuts a response idle for 300 s on its own; an event stream may rightly be quiet
 * that long between heartbeats, so its upstream fetch runs without that timer.
 */
const streamingFetch = (request: Request) => fetch(request, { timeout: false })

/**
 * A handler that forwards the request to one service: the path and query exactly as received
 * (dot segments aside, which the URL parser has already resolved), the body as a byte stream
 * (never parsed, so webhook signatures still verify), and the response streamed back unbuffered.
 */
export function forwardTo(key: ServiceKey, options: ForwardOptions): Handler<ProxyEnv> {
  const service = SERVICES[key].name
  return async (c) => {
    const client = c.get('client')
    const rawUrl = c.req.url
    const pathAndQuery = rawUrl.slice(rawUrl.indexOf('/', rawUrl.indexOf(':') + 3))
    const target = options.upstreams[key] + pathAndQuery
    const stream = isEventStream(c.req.path)
    const headers = forwardHeaders(c.req.raw.headers, {
      clientAddress: client.address,
      proto: new URL(rawUrl).protocol.slice(0, -1),
      host: c.req.header('host'),
      requestId: c.get('requestId'),
    })

    // One signal for the upstream fetch: the client going away, or the upstream being too slow.
    const upstream = new AbortController()
    const clientGone = () => upstream.abort(client.request.signal.reason)
    client.request.signal.addEventListener('abort', clientGone, { once: true })
    if (client.request.signal.aborted) clientGone()
    // The deadline covers the wait for response headers only: a body may stream for as long as it
    // keeps coming, and an event stream has no deadline at all.
    const timer = stream
      ? undefined
      : setTimeout(() => upstream.abort(new UpstreamTimeout()), options.timeoutMs)
    // Bun.serve would close the client connection after its idle timeout between two events.
    if (stream) client.server?.timeout(client.request, 0)

    const spanAttributes = {
      'http.request.method': c.req.method,
      'url.full': redactUrl(target),
      'peer.service': service,
    }
    return tracer.startActiveSpan(
      `${c.req.method} ${service}`,
      { kind: SpanKind.CLIENT, attributes: spanAttributes },
      async (span) => {
        // Inside the client span, so the upstream's server span becomes its child.
        injectTraceHeaders(headers)
        try {
          const res = await proxy(target, {
            raw: c.req.raw,
            headers,
            redirect: 'manual',
            signal: upstream.signal,
            ...(stream ? { customFetch: streamingFetch } : {}),
          })
          span.setAttribute('http.response.status_code', res.status)
          if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
          return res
        } catch (error) {
          span.setStatus({ code: SpanStatusCode.ERROR })
          return upstreamFailure(c, { service, error, reason: upstream.signal.reason, client })
        } finally {
          clearTimeout(timer)
          span.end()
        }
      },
    )
  }
}
