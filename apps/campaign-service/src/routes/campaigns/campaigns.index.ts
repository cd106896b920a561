import type { Sql } from '@careforall/db'
import {
  createRouter,
  optionalAuth,
  requireAuth,
  requireInternalSecret,
  type TokenVerifier,
} from '@careforall/http'
import type { Campaigns } from '../../campaigns'
import type { CurrentAmount } from '../../totals-client'
import { campaignHandlers } from './campaigns.handlers'
import * as routes from './campaigns.routes'

export interface CampaignRouterDeps {
  sql: Sql
  campaigns: Campaigns
  currentAmount: CurrentAmount
  verifier: TokenVerifier
  internalSecret: string
}

export function campaignsRouter(deps: CampaignRouterDeps) {
  const handlers = campaignHandlers(deps)
  const router = createRouter()
  const signedIn = requireAuth(deps.verifier)
  const maybeSignedIn = optionalAuth(deps.verifier)
  // Reads are public (drafts only for their owner and admins); every change needs a signed-in caller.
  router.on(['GET'], ['/api/campaigns', '/api/campaigns/*'], maybeSignedIn)
  router.on(['POST', 'PATCH', 'DELETE'], ['/api/campaigns', '/api/campaigns/*'], signedIn)
  router.use('/internal/*', requireInternalSecret(deps.internalSecret))
  return router
    .openapi(routes.create, handlers.create)
    .openapi(routes.list, handlers.list)
    .openapi(routes.get, handlers.get)
    .openapi(routes.update, handlers.update)
    .openapi(routes.remove, handlers.remove)
    .openapi(routes.internalGet, handlers.internalGet)
}
