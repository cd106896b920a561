import { INTERNAL_SECRET_HEADER } from '@careforall/http'

export interface ForwardedFrom {
  /** The peer address of the connection the request came in on (absent outside Bun.serve). */
  clientAddress: string | undefined
  /** `http` or `https`, as the gateway was reached. */
  proto: string
  /** The `Host` the client addressed. */
  host: string | undefined
  requestId: string
}

/**
 * Hop-by-hop headers (RFC 9110 §7.6.1) describe one connection, not the message: never forwarded
 * in either direction.
 */
export const HOP_BY_HOP = [
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'te',
  'trailer',
  'transfer-encoding',
  'upgrade',
]

/**
 * The headers a client request goes upstream with, in one copy. Everything the client sent passes
 * on except: `Host` (the upstream's own authority is used), `X-Internal-Secret` (only services may
 * hold it, so a client that sends one must not reach an `/internal`-grade check with it), the
 * hop-by-hop headers, and `Accept-Encoding` (Bun's fetch decompresses what it asked for itself,
 * so the client's wish would only get it a body whose encoding no longer matches). The client's
 * address is appended to `X-Forwarded-For` rather than replacing it, so services that trust the
 * gateway take the right-most entry, which the client cannot forge.
 */
export function forwardHeaders(incoming: Headers, from: ForwardedFrom): Headers {
  const headers = new Headers(incoming)
  headers.delete('host')
  headers.delete(INTERNAL_SECRET_HEADER)
  headers.delete('accept-encoding')
  for (const name of HOP_BY_HOP) headers.delete(name)
  if (from.clientAddress) {
    const chain = headers.get('x-forwarded-for')
    headers.set('x-forwarded-for', chain ? `${chain}, ${from.clientAddress}` : from.clientAddress)
  }
  headers.set('x-forwarded-proto', from.proto)
  if (from.host) headers.set('x-forwarded-host', from.host)
  headers.set('x-request-id', from.requestId)
  return headers
}

/** RFC 9110 token: what a header name listed in `Connection` must look like. */
const TOKEN = /^[!#$%&'*+\-.0-9A-Z^_`a-z|~]+$/

/**
 * Makes an upstream response fit to send on, in place (Bun's fetch responses have mutable
 * headers, so nothing is copied): the hop-by-hop headers go, with any header the upstream's
 * `Connection` names; and since fetch has already decoded a compressed body, its
 * `Content-Encoding` and `Content-Length` would now lie, so they go too.
 */
export function clientResponseHeaders(headers: Headers): Headers {
  const connection = headers.get('connection')
  if (connection) {
    for (const name of connection.split(',')) {
      const trimmed = name.trim()
      if (TOKEN.test(trimmed)) headers.delete(trimmed)
    }
  }
  for (const name of HOP_BY_HOP) headers.delete(name)
  if (headers.has('content-encoding')) {
    headers.delete('content-encoding')
    headers.delete('content-length')
  }
  return headers
}
