import { createRouter, type TokenVerifier } from '@careforall/http'
import { type PledgeHandlerDeps, pledgeHandlers } from './pledges.handlers'
import * as routes from './pledges.routes'

/** Pledges are open to guests: a token is read when sent (and must then be valid), never required. */
export function pledgesRouter(deps: PledgeHandlerDeps & { verifier: TokenVerifier }) {
  const handlers = pledgeHandlers(deps)
  return createRouter({ verifier: deps.verifier })
    .openapi(routes.create, handlers.create)
    .openapi(routes.get, handlers.get)
    .openapi(routes.list, handlers.list)
}
