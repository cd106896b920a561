import type { Sql } from '@careforall/db'
import { createRouter, requireInternalSecret } from '@careforall/http'
import { ledgerHandlers } from './ledger.handlers'
import * as routes from './ledger.routes'

/** The sandbox's test-facing side (ledger, chaos): internal secret only, never proxied by the gateway. */
export function ledgerRouter(deps: { sql: Sql; internalSecret: string }) {
  const handlers = ledgerHandlers(deps.sql)
  const router = createRouter()
  router.use('/sandbox/v1/ledger', requireInternalSecret(deps.internalSecret))
  router.use('/sandbox/v1/ledger/*', requireInternalSecret(deps.internalSecret))
  router.use('/sandbox/v1/chaos', requireInternalSecret(deps.internalSecret))
  return router
    .openapi(routes.summary, handlers.summary)
    .openapi(routes.ledger, handlers.ledger)
    .openapi(routes.getChaos, handlers.getChaos)
    .openapi(routes.setChaos, handlers.setChaos)
}
