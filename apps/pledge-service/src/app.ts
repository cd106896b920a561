import { createApp, createTokenVerifier, dependencyChecks } from '@careforall/http'
import type { ServiceDeps } from '@careforall/service'
import { type CampaignOf, createCampaignClient } from './campaign-client'
import type { Env } from './env'
import { pledgesRouter } from './routes/pledges/pledges.index'

/** The common parts every service is built from, and this one's own. */
export interface Deps extends ServiceDeps<Env> {
  /** How a pledge checks its campaign; the real client by default. */
  campaignOf?: CampaignOf
}

/** Builds the pledge service's app; tests call this with their own database and vhost. */
export function buildApp(deps: Deps) {
  const { env } = deps
  const app = createApp({
    service: 'pledge-service',
    description: 'Pledges and their state machine, driven by payment events.',
    logger: deps.logger,
    readiness: dependencyChecks(deps),
  })
  app.route(
    '/',
    pledgesRouter({
      sql: deps.sql,
      logger: deps.logger,
      verifier: createTokenVerifier({ jwksUrl: env.AUTH_JWKS_URL, redis: deps.redis, logger: deps.logger }),
      campaignOf:
        deps.campaignOf ??
        createCampaignClient(env.CAMPAIGN_SERVICE_URL, env.INTERNAL_SERVICE_SECRET, deps.logger),
      donorKeySecret: env.DONOR_KEY_SECRET,
      receiptTokenSecret: env.RECEIPT_TOKEN_SECRET,
      stuckAfterSeconds: env.STUCK_PLEDGE_SECONDS,
    }),
  )
  return app
}
