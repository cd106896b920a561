import type { Sql } from '@careforall/db'
import { createRouter, requireInternalSecret } from '@careforall/http'
import { internalHandlers } from './internal.handlers'
import * as routes from './internal.routes'

export function internalRouter(deps: { sql: Sql; internalSecret: string }) {
  const handlers = internalHandlers(deps.sql)
  const router = createRouter()
  router.use('/internal/*', requireInternalSecret(deps.internalSecret))
  return router.openapi(routes.summary, handlers.summary)
}
