import type { Sql } from '@careforall/db'
import { createRouter, type TokenVerifier } from '@careforall/http'
import type { CurrentAmount } from '../../totals-client'
import { campaignHandlers } from './campaigns.handlers'
import * as routes from './campaigns.routes'

export interface CampaignRouterDeps {
  sql: Sql
  currentAmount: CurrentAmount
  verifier: TokenVerifier
  internalSecret: string
}

export function campaignsRouter(deps: CampaignRouterDeps) {
  const handlers = campaignHandlers(deps)
  // Reads are public (drafts only for their owner and admins); every change needs a signed-in caller.
  return createRouter({ verifier: deps.verifier, internalSecret: deps.internalSecret })
    .openapi(routes.create, handlers.create)
    .openapi(routes.list, handlers.list)
    .openapi(routes.get, handlers.get)
    .openapi(routes.update, handlers.update)
    .openapi(routes.remove, handlers.remove)
    .openapi(routes.internalGet, handlers.internalGet)
}
