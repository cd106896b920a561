import { localDatabaseUrl, parseEnv, port, serviceEnv } from '@careforall/http'
import { z } from 'zod'

const millis = (defaultMs: number) => z.coerce.number().int().min(0).default(defaultMs)

/** The only reader of `process.env` in the totals service: validated once at start. */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3005),
    DATABASE_URL: z.string().default(localDatabaseUrl('totals')),
    /** Access tokens (the admin statistics) are verified locally against the auth service's keys. */
    AUTH_JWKS_URL: z.url().default('http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
    /** Where reconciliation and `bun run rebuild` read `GET /internal/payments/summary`. */
    PAYMENT_SERVICE_URL: z
      .url()
      .default('http://127.0.0.1:3004')
      .transform((url) => url.replace(/\/+$/, '')),
    /** How often the totals are compared with the payment service's summary; 0 turns it off. */
    RECONCILE_INTERVAL_MS: millis(5 * 60_000),
    /** How long reconciliation waits before re-checking a drifting campaign (events in flight). */
    RECONCILE_SETTLE_MS: millis(2000),
    /** Campaigns kept in memory per instance (least recently read go first). */
    CACHE_MAX_ENTRIES: z.coerce.number().int().positive().default(100_000),
    /** How often every cached campaign is re-read, in case a fan-out notification was lost. */
    CACHE_REFRESH_MS: z.coerce.number().int().positive().default(30_000),
    /** Comment lines on quiet event streams, so proxies and clients see a live connection. */
    SSE_HEARTBEAT_MS: z.coerce.number().int().positive().default(15_000),
  }),
  process.env,
)

export type Env = typeof env
