import type { Queryable } from '@careforall/db'
import { createRouter, type TokenVerifier } from '@careforall/http'
import { statsHandlers } from './stats.handlers'
import * as routes from './stats.routes'

/** The admin panel's charts: admins only. Mounted before the public reads, whose path it shadows. */
export function statsRouter(deps: { sql: Queryable; verifier: TokenVerifier }) {
  const handlers = statsHandlers(deps)
  return createRouter({ verifier: deps.verifier }).openapi(routes.stats, handlers.stats)
}
