import { pingDb, type Sql } from '@careforall/db'
import { createApp, createTokenVerifier, dependencyChecks, type TokenVerifier } from '@careforall/http'
import type { ServiceDeps } from '@careforall/service'
import type { Env } from './env'
import { createFaults } from './faults'
import { createSandboxClient } from './provider/sandbox-client'
import { internalRouter } from './routes/internal/internal.index'
import { paymentsRouter } from './routes/payments/payments.index'
import { webhooksRouter } from './routes/webhooks/webhooks.index'
import { createSandbox } from './sandbox'
import { createApplier } from './usecases/apply-webhooks'
import { createDriver } from './usecases/driver'
import { createExpirySweeper } from './usecases/expiry'
import { createRefunds } from './usecases/refunds'

/** The common parts every service is built from, and this one's own. */
export interface Deps extends ServiceDeps<Env> {
  /** The sandbox provider's own pool (its schema and role), used only by src/sandbox. */
  sandboxSql: Sql
  /** Tests may pass their own; otherwise tokens are checked against AUTH_JWKS_URL and the denylist. */
  verifier?: TokenVerifier
}

/** Builds the payment service's app and its parts; tests call this with their own database and vhost. */
export function buildApp(deps: Deps) {
  const { env, logger, sql } = deps
  const faults = createFaults(env.FAULT_POINT, logger, env.FAULT_POINT_ONCE_FILE)
  const provider = createSandboxClient({
    baseUrl: env.SANDBOX_API_URL,
    apiKey: env.SANDBOX_API_KEY,
    timeoutMs: env.PROVIDER_TIMEOUT_MS,
  })
  const settings = {
    leaseMs: env.RECOVERY_LEASE_MS,
    retryBaseMs: env.PROVIDER_RETRY_BASE_MS,
    captureMode: env.CAPTURE_MODE,
    pollAfterMs: env.PROVIDER_POLL_AFTER_MS,
  }
  // One direction only: the applier records facts and says which provider call it claimed (the
  // capture after an authorization); the driver and the refunds apply webhooks that came early
  // and make the calls. Whoever applies a webhook drives what it claimed (`applyWebhook` here).
  const applier = createApplier({
    sql,
    logger,
    captureMode: env.CAPTURE_MODE,
    leaseMs: env.RECOVERY_LEASE_MS,
  })
  const driver = createDriver({ sql, provider, applier, faults, logger, settings })
  const refunds = createRefunds({
    sql,
    provider,
    applier,
    faults,
    logger,
    settings,
    drivePayment: driver.drive,
  })
  const applyWebhook = async (provider: string, id: string, transactionId?: string) => {
    const claimed = await applier.apply(provider, id, transactionId)
    if (claimed) void driver.drive(claimed)
  }
  /** The webhook worker's round: stored webhooks that are due, and the calls they claimed. */
  const applyDueWebhooks = async () => {
    const { more, claimed } = await applier.round()
    for (const payment of claimed) void driver.drive(payment)
    return more
  }
  const expiry = createExpirySweeper({ sql, driver, holdDays: env.AUTH_HOLD_DAYS, logger })
  const sandbox = createSandbox({ sql: deps.sandboxSql, env, logger })
  const verifier =
    deps.verifier ?? createTokenVerifier({ jwksUrl: env.AUTH_JWKS_URL, redis: deps.redis, logger })

  const app = createApp({
    service: 'payment-service',
    description:
      'Payments with the provider: authorize, capture, refund, webhooks; hosts the payments sandbox.',
    logger,
    readiness: {
      ...dependencyChecks(deps),
      'sandbox-db': (timeoutMs?: number) => pingDb(deps.sandboxSql, timeoutMs),
    },
  })
  const secrets = [
    env.SANDBOX_WEBHOOK_SECRET,
    ...(env.SANDBOX_WEBHOOK_SECRET_PREVIOUS ? [env.SANDBOX_WEBHOOK_SECRET_PREVIOUS] : []),
  ]
  app.route('/', webhooksRouter({ sql, applyWebhook, faults, secrets }))
  app.route('/', paymentsRouter({ sql, driver, refunds, leaseMs: env.RECOVERY_LEASE_MS, verifier }))
  app.route('/', internalRouter({ sql, internalSecret: env.INTERNAL_SERVICE_SECRET }))
  for (const router of sandbox.routers) app.route('/', router)
  return { app, driver, refunds, applyDueWebhooks, expiry, sandbox }
}

export type PaymentService = ReturnType<typeof buildApp>
