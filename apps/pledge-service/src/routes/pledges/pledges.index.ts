import { createRouter, type TokenVerifier } from '@careforall/http'
import { type PledgeHandlerDeps, pledgeHandlers } from './pledges.handlers'
import * as routes from './pledges.routes'

/** Pledges are open to guests: a token is read when sent (and must then be valid), never required. */
export function pledgesRouter(deps: PledgeHandlerDeps & { verifier: TokenVerifier }) {
  const handlers = pledgeHandlers(deps)
  return (
    createRouter({ verifier: deps.verifier })
      .openapi(routes.create, handlers.create)
      // Before `get`: `/api/pledges/stats` would otherwise be taken for a pledge id (and refused).
      .openapi(routes.stats, handlers.stats)
      .openapi(routes.get, handlers.get)
      .openapi(routes.list, handlers.list)
  )
}
