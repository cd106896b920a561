import { createRouter } from '@careforall/http'
import type { TotalsCache } from '../../read-model/cache'
import { totalsHandlers } from './totals.handlers'
import * as routes from './totals.routes'

/** The public reads: no authentication (a campaign page shows its totals to everyone). */
export function totalsRouter(deps: { cache: TotalsCache; heartbeatMs: number }) {
  const handlers = totalsHandlers(deps)
  return createRouter()
    .openapi(routes.list, handlers.list)
    .openapi(routes.get, handlers.get)
    .openapi(routes.stream, handlers.stream)
}
