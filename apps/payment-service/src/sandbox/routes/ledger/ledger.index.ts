import type { Sql } from '@careforall/db'
import { createRouter } from '@careforall/http'
import { ledgerHandlers } from './ledger.handlers'
import * as routes from './ledger.routes'

/** The sandbox's test-facing side (ledger, chaos): internal secret only, never proxied by the gateway. */
export function ledgerRouter(deps: { sql: Sql; internalSecret: string }) {
  const handlers = ledgerHandlers(deps.sql)
  return createRouter({ internalSecret: deps.internalSecret })
    .openapi(routes.summary, handlers.summary)
    .openapi(routes.ledger, handlers.ledger)
    .openapi(routes.getChaos, handlers.getChaos)
    .openapi(routes.setChaos, handlers.setChaos)
}
