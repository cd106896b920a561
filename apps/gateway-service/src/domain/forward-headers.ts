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
 * The headers a client request goes upstream with. Everything the client sent passes on except:
 * `Host` (the upstream's own authority is used), and `X-Internal-Secret` (only services may hold
 * it, so a client that sends one must not reach an `/internal`-grade check with it). The client's
 * address is appended to `X-Forwarded-For` rather than replacing it, so services that trust the
 * gateway take the right-most entry, which the client cannot forge.
 */
export function forwardHeaders(incoming: Headers, from: ForwardedFrom): Headers {
  const headers = new Headers(incoming)
  headers.delete('host')
  headers.delete(INTERNAL_SECRET_HEADER)
  if (from.clientAddress) {
    const chain = headers.get('x-forwarded-for')
    headers.set('x-forwarded-for', chain ? `${chain}, ${from.clientAddress}` : from.clientAddress)
  }
  headers.set('x-forwarded-proto', from.proto)
  if (from.host) headers.set('x-forwarded-host', from.host)
  headers.set('x-request-id', from.requestId)
  return headers
}
