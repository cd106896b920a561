import type { Queryable } from '@careforall/db'
import { createRouter, requireAuth, requireRole, type TokenVerifier } from '@careforall/http'
import { statsHandlers } from './stats.handlers'
import * as routes from './stats.routes'

/** The admin panel's charts: admins only. Mounted before the public reads, whose path it shadows. */
export function statsRouter(deps: { sql: Queryable; verifier: TokenVerifier }) {
  const handlers = statsHandlers(deps)
  const router = createRouter()
  router.use(routes.stats.path, requireAuth(deps.verifier), requireRole('admin'))
  return router.openapi(routes.stats, handlers.stats)
}
