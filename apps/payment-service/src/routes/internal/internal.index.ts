import type { Sql } from '@careforall/db'
import { createRouter } from '@careforall/http'
import { internalHandlers } from './internal.handlers'
import * as routes from './internal.routes'

export function internalRouter(deps: { sql: Sql; internalSecret: string }) {
  const handlers = internalHandlers(deps.sql)
  return createRouter({ internalSecret: deps.internalSecret }).openapi(routes.summary, handlers.summary)
}
