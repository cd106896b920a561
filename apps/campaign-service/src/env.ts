import { localDatabaseUrl, parseEnv, port, serviceEnv } from '@careforall/http'
import { z } from 'zod'

/** The only reader of `process.env` in the campaign service: validated once at start. */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3002),
    DATABASE_URL: z.string().default(localDatabaseUrl('campaign')),
    /** Access tokens are verified locally against the auth service's published keys. */
    AUTH_JWKS_URL: z.url().default('http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
    /** Where campaign reads get `currentAmount`. */
    TOTALS_SERVICE_URL: z.url().default('http://127.0.0.1:3005'),
    /** How often ended campaigns are completed. */
    SWEEP_INTERVAL_MS: z.coerce.number().int().positive().default(30_000),
  }),
  process.env,
)

export type Env = typeof env
