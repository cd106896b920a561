import { redactUrl } from '@careforall/http'
import { injectTraceHeaders, tracer } from '@careforall/otel'
import { SpanKind, SpanStatusCode } from '@opentelemetry/api'
import type { Handler } from 'hono'
import { clientResponseHeaders, forwardHeaders } from '../../domain/forward-headers'
import { isEventStream, SERVICES, type ServiceKey, type Upstreams } from '../../domain/services'
import type { ProxyEnv } from './client'
import { UpstreamTimeout, upstreamFailure } from './upstream-failure'

export interface ForwardOptions {
  upstreams: Upstreams
  /** How long the upstream may take to send its response headers. */
  timeoutMs: number
}

/**
 * A handler that forwards the request to one service: the path and query exactly as received
 * (dot segments aside, which the URL parser has already resolved), the body as a byte stream
 * (never parsed, so webhook signatures still verify), and the response streamed back unbuffered.
 *
 * It calls `fetch` itself rather than `hono/proxy`, which copies the request headers twice, builds
 * a `Request` and then a second `Response` with a third copy of the headers: on the hot read the
 * gateway's own work per request is what limits the platform.
 */
export function forwardTo(key: ServiceKey, options: ForwardOptions): Handler<ProxyEnv> {
  const service = SERVICES[key].name
  const base = options.upstreams[key]
  return async (c) => {
    const client = c.get('client')
    const raw = c.req.raw
    const rawUrl = raw.url
    const target = base + rawUrl.slice(rawUrl.indexOf('/', rawUrl.indexOf(':') + 3))
    const method = raw.method
    const stream = isEventStream(c.req.path)
    const headers = forwardHeaders(raw.headers, {
      clientAddress: client.address,
      proto: rawUrl.startsWith('https:') ? 'https' : 'http',
      host: raw.headers.get('host') ?? undefined,
      requestId: c.get('requestId'),
    })

    // One signal for the upstream fetch: the client going away, or the upstream being too slow.
    const upstream = new AbortController()
    const clientSignal = client.request.signal
    const clientGone = () => upstream.abort(clientSignal.reason)
    clientSignal.addEventListener('abort', clientGone, { once: true })
    if (clientSignal.aborted) clientGone()
    // The deadline covers the wait for response headers only: a body may stream for as long as it
    // keeps coming, and an event stream has no deadline at all.
    const timer = stream
      ? undefined
      : setTimeout(() => upstream.abort(new UpstreamTimeout()), options.timeoutMs)
    // Bun.serve would close the client connection after its idle timeout between two events.
    if (stream) client.server?.timeout(client.request, 0)

    return tracer.startActiveSpan(
      `${method} ${service}`,
      {
        kind: SpanKind.CLIENT,
        attributes: { 'http.request.method': method, 'url.full': redactUrl(target), 'peer.service': service },
      },
      async (span) => {
        // Inside the client span, so the upstream's server span becomes its child.
        injectTraceHeaders(headers)
        try {
          const body = raw.body
          const res = await fetch(target, {
            method,
            headers,
            body,
            // Bun streams a request body only when told it is half-duplex, as the spec asks.
            ...(body ? { duplex: 'half' } : {}),
            redirect: 'manual',
            signal: upstream.signal,
            // Bun's fetch cuts a response idle for 300 s on its own; an event stream may rightly
            // be quiet that long between heartbeats, so it runs without that timer.
            ...(stream ? { timeout: false } : {}),
          } as RequestInit)
          span.setAttribute('http.response.status_code', res.status)
          if (res.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR })
          clientResponseHeaders(res.headers)
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
