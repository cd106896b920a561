import { localDatabaseUrl, parseEnv, port, serviceEnv } from '@careforall/http'
import { z } from 'zod'

const secret = (fallback: string) => z.string().min(16).default(fallback)

/** The only reader of `process.env` in the pledge service: validated once at start. */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3003),
    DATABASE_URL: z.string().default(localDatabaseUrl('pledge')),
    AUTH_JWKS_URL: z.url().default('http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
    /** Where a new pledge checks that its campaign is ACTIVE (internal route). */
    CAMPAIGN_SERVICE_URL: z.url().default('http://127.0.0.1:3002'),
    /** Keys guests' donor keys: `g:<HMAC-SHA256(secret, normalized email)>`. */
    DONOR_KEY_SECRET: secret('dev-donor-key-secret-change-me'),
    /** Signs guests' receipt tokens, with which they follow a pledge without an account. */
    RECEIPT_TOKEN_SECRET: secret('dev-receipt-token-secret-change-me'),
    /**
     * A PENDING or AUTHORIZED pledge unchanged for this long is "stuck" (`GET /api/pledges?stuck=true`,
     * `GET /api/pledges/stats`): its payment should have moved on well before.
     */
    STUCK_PLEDGE_SECONDS: z.coerce.number().int().positive().default(300),
  }),
  process.env,
)

export type Env = typeof env
