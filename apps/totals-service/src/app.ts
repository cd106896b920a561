import { createApp, createTokenVerifier, dependencyChecks } from '@careforall/http'
import type { ServiceDeps } from '@careforall/service'
import type { Env } from './env'
import { TotalsCache } from './read-model/cache'
import { statsRouter } from './routes/stats/stats.index'
import { totalsRouter } from './routes/totals/totals.index'

/** What the app is built from: the common parts every service has. */
export type Deps = ServiceDeps<Env>

/**
 * Builds the totals service's app and the in-memory read model its reads are served from; tests
 * call this with their own database and vhost. `startTotals()` (service.ts) adds what keeps the
 * read model fed: the consumer, the fan-out listener, the refresh and the reconciliation.
 */
export function buildApp(deps: Deps) {
  const cache = new TotalsCache({
    sql: deps.sql,
    maxEntries: deps.env.CACHE_MAX_ENTRIES,
    // While the broker is away, no change notifications arrive: entries then expire after a second.
    hearsChanges: () => deps.broker.isConnected(),
  })
  const verifier = createTokenVerifier({
    jwksUrl: deps.env.AUTH_JWKS_URL,
    redis: deps.redis,
    logger: deps.logger,
  })
  const app = createApp({
    service: 'totals-service',
    description: 'The campaign totals read model, fed by payment events, served from memory.',
    logger: deps.logger,
    readiness: dependencyChecks(deps),
  })
  app.route('/', statsRouter({ sql: deps.sql, verifier }))
  app.route('/', totalsRouter({ cache, heartbeatMs: deps.env.SSE_HEARTBEAT_MS }))
  return { app, cache }
}
