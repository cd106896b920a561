import { statusProblem } from '@careforall/http'
import type { Context } from 'hono'
import type { Client, ProxyEnv } from './client'

/** The abort reason the forwarder uses when an upstream misses its deadline. */
export class UpstreamTimeout extends Error {
  override name = 'UpstreamTimeout'
}

/** What fetch reports when nothing listens, or the service dropped the connection. */
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ConnectionRefused',
  'ConnectionClosed',
  'EPIPE',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENOTFOUND',
  'FailedToOpenSocket',
])

interface Failure {
  service: string
  error: unknown
  /** Why the upstream fetch was aborted, when it was. */
  reason: unknown
  client: Client
}

/**
 * The answer when no upstream response arrived. The problem names the service but never the
 * cause (no address, no error text): a client disconnect is 499 and logged quietly (nobody is
 * left to read it), a missed deadline 504, anything else 502 with the service named.
 */
export function upstreamFailure(c: Context<ProxyEnv>, failure: Failure): Response {
  const logger = c.get('logger')
  const { service, error } = failure
  if (failure.client.request.signal.aborted) {
    logger.debug({ service }, 'client closed the request before the upstream answered')
    return statusProblem(c, 499, 'The client closed the request')
  }
  if (failure.reason instanceof UpstreamTimeout) {
    logger.warn({ service }, 'upstream did not answer in time')
    return statusProblem(c, 504, `${service} did not answer in time`)
  }
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code === 'string' && UNREACHABLE.has(code)) {
    logger.warn({ service, code }, 'upstream unreachable')
  } else {
    // Not a plain outage: keep the stack for whoever investigates; the client still sees a 502.
    logger.error({ service, err: error }, 'upstream request failed')
  }
  return statusProblem(c, 502, `${service} is unavailable`)
}
