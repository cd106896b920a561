import type { Logger } from '@careforall/logger'
import { injectTraceHeaders } from '@careforall/otel'
import type { z } from 'zod'
import { ServiceUnavailableError } from './errors'
import { INTERNAL_SECRET_HEADER } from './internal'

export interface InternalClientOptions {
  /** The answering service, e.g. `http://127.0.0.1:3002`. */
  baseUrl: string
  secret: string
  logger: Logger
  /** What the caller cannot check when the service fails it, for the 503's detail: "Campaigns". */
  what: string
  timeoutMs?: number
}

/**
 * A service's client for another service's `/internal` routes: the internal secret and the trace
 * context on every call, each answer parsed with the schema the answering route declares (from
 * `@careforall/contracts`). Not found → undefined. Unreachable, an error, or an answer outside the
 * contract → 503 with Retry-After: whatever depended on the answer must not go ahead unchecked.
 */
export function createInternalClient(options: InternalClientOptions) {
  const unavailable = () =>
    new ServiceUnavailableError(`${options.what} cannot be checked right now; retry shortly`)
  return async function get<S extends z.ZodType>(path: string, schema: S): Promise<z.infer<S> | undefined> {
    let res: Response
    try {
      res = await fetch(`${options.baseUrl}${path}`, {
        headers: injectTraceHeaders(new Headers({ [INTERNAL_SECRET_HEADER]: options.secret })),
        signal: AbortSignal.timeout(options.timeoutMs ?? 3000),
      })
    } catch (error) {
      options.logger.error({ err: error, path }, 'internal service unreachable')
      throw unavailable()
    }
    if (res.status === 404) return undefined
    if (!res.ok) {
      options.logger.error({ status: res.status, path }, 'internal service answered an error')
      throw unavailable()
    }
    const parsed = schema.safeParse(await res.json().catch(() => undefined))
    if (!parsed.success) {
      options.logger.error(
        { issues: parsed.error.issues, path },
        'internal service answered outside its contract',
      )
      throw unavailable()
    }
    return parsed.data
  }
}

export type InternalGet = ReturnType<typeof createInternalClient>
