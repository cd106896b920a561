import { localDatabaseUrl, parseEnv, port, serviceEnv } from '@careforall/http'
import { z } from 'zod'
import { ChaosSpecError, parseChaos } from './sandbox/chaos'

const DEV_WEBHOOK_SECRET = 'whsec_dev_sandbox_change_me'
const DEV_SANDBOX_API_KEY = 'sk_sandbox_dev_change_me'

const ms = (fallback: number) => z.coerce.number().int().min(1).default(fallback)

/** Where a test may make the process die on purpose (docs/decisions/0024-payments.md). */
export const FaultPoint = z.enum([
  'after-authorize-call',
  'after-capture-call',
  'after-refund-call',
  'after-void-call',
  'after-webhook-commit',
])
export type FaultPoint = z.infer<typeof FaultPoint>

const schema = serviceEnv
  .extend({
    PORT: port(3004),
    DATABASE_URL: z.string().default(localDatabaseUrl('payment')),
    /** Access tokens are verified locally against the auth service's published keys. */
    AUTH_JWKS_URL: z.url().default('http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
    /** `auto` captures as soon as the provider authorized; `manual` waits for an admin. */
    CAPTURE_MODE: z.enum(['auto', 'manual']).default('auto'),
    /** The provider's authorization hold: uncaptured after this, the sweeper voids it. */
    AUTH_HOLD_DAYS: z.coerce.number().positive().default(7),
    EXPIRY_SWEEP_INTERVAL_MS: ms(60_000),
    /** How often the resumer looks for payments and refunds stuck at a recovery point. */
    RECOVERY_SWEEP_INTERVAL_MS: ms(1000),
    /** How long a claimed provider call is left to its caller before the resumer takes over. */
    RECOVERY_LEASE_MS: ms(30_000),
    PROVIDER_TIMEOUT_MS: ms(10_000),
    /** First delay after a failed provider call; doubles per attempt, at most a minute. */
    PROVIDER_RETRY_BASE_MS: ms(500),
    /** How often stored webhooks that did not apply yet are retried. */
    WEBHOOK_APPLY_INTERVAL_MS: ms(500),
    /**
     * A payment that has waited this long for its webhook is asked about again: the call is
     * repeated with the same key and the provider's decided answer is recorded (0: never).
     */
    PROVIDER_POLL_AFTER_MS: z.coerce
      .number()
      .int()
      .min(0)
      .default(15 * 60_000),
    /** Tests arm one to kill the process between a provider call and its commit. */
    FAULT_POINT: FaultPoint.optional(),
    /**
     * With FAULT_POINT: fire once only, leaving this file behind, so a supervisor that restarts
     * the process (`bun run dev`) gets a service that recovers instead of crashing forever.
     */
    FAULT_POINT_ONCE_FILE: z.string().optional(),

    /** The sandbox provider's API, called over HTTP: this very process (`http://127.0.0.1:$PORT`) when unset. */
    SANDBOX_API_URL: z.url().optional(),
    SANDBOX_API_KEY: z.string().min(8).default(DEV_SANDBOX_API_KEY),
    /** The payments sandbox's own role and schema: the payment code cannot read its ledger. */
    SANDBOX_DATABASE_URL: z.string().default(localDatabaseUrl('sandbox')),
    /** Where the sandbox delivers its signed webhooks: through the gateway by default. */
    SANDBOX_WEBHOOK_URL: z.url().default('http://127.0.0.1:3000/api/payments/webhooks/sandbox'),
    SANDBOX_WEBHOOK_SECRET: z.string().min(16).default(DEV_WEBHOOK_SECRET),
    /** The secret being rotated out: still accepted (and signed with) while set. */
    SANDBOX_WEBHOOK_SECRET_PREVIOUS: z.string().min(16).optional(),
    /** e.g. `dup=3,delayMs=0..2000,reorder=1,seed=42`; POST /sandbox/v1/chaos changes it at run time. */
    SANDBOX_CHAOS: z.string().default(''),
    /** How often the sandbox looks for operations to decide and webhooks due (it is also woken). */
    SANDBOX_POLL_MS: ms(250),
    SANDBOX_RETRY_BASE_MS: ms(1000),
    SANDBOX_RETRY_MAX_MS: ms(60_000),
    SANDBOX_WEBHOOK_MAX_ATTEMPTS: z.coerce.number().int().min(1).default(30),
    SANDBOX_WEBHOOK_TIMEOUT_MS: ms(5000),
    SANDBOX_DELIVERY_CONCURRENCY: z.coerce.number().int().min(1).default(32),
  })
  .superRefine((env, ctx) => {
    try {
      parseChaos(env.SANDBOX_CHAOS)
    } catch (error) {
      if (!(error instanceof ChaosSpecError)) throw error
      ctx.addIssue({ code: 'custom', path: ['SANDBOX_CHAOS'], message: error.message })
    }
    if (env.NODE_ENV !== 'production') return
    for (const [key, dev] of [
      ['SANDBOX_WEBHOOK_SECRET', DEV_WEBHOOK_SECRET],
      ['SANDBOX_API_KEY', DEV_SANDBOX_API_KEY],
    ] as const) {
      if (env[key] === dev) ctx.addIssue({ code: 'custom', path: [key], message: 'set a real secret' })
    }
  })
  .transform((env) => ({ ...env, SANDBOX_API_URL: env.SANDBOX_API_URL ?? `http://127.0.0.1:${env.PORT}` }))

/** The only reader of `process.env` in the payment service: validated once at start. */
export const env = parseEnv(schema, process.env)

export type Env = typeof env
