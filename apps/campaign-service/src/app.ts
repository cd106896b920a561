import { createApp, createTokenVerifier, dependencyChecks } from '@careforall/http'
import type { ServiceDeps } from '@careforall/service'
import type { Env } from './env'
import { campaignsRouter } from './routes/campaigns/campaigns.index'
import { type CurrentAmount, createTotalsClient } from './totals-client'

/** The common parts every service is built from, and this one's own. */
export interface Deps extends ServiceDeps<Env> {
  /** Where `currentAmount` comes from; tests may pass their own. */
  currentAmount?: CurrentAmount
}

/** Builds the campaign service's app; tests call this with their own database and vhost. */
export function buildApp(deps: Deps) {
  const verifier = createTokenVerifier({
    jwksUrl: deps.env.AUTH_JWKS_URL,
    redis: deps.redis,
    logger: deps.logger,
  })
  const app = createApp({
    service: 'campaign-service',
    description: 'Fundraising campaigns: create, list, search, update and their lifecycle.',
    logger: deps.logger,
    readiness: dependencyChecks(deps),
  })
  app.route(
    '/',
    campaignsRouter({
      sql: deps.sql,
      verifier,
      internalSecret: deps.env.INTERNAL_SERVICE_SECRET,
      currentAmount: deps.currentAmount ?? createTotalsClient(deps.env.TOTALS_SERVICE_URL, deps.logger),
    }),
  )
  return { app }
}
