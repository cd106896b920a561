import { localDatabaseUrl, parseEnv, port, serviceEnv } from '@careforall/http'
import { z } from 'zod'

/** The only reader of `process.env` in the payment service: validated once at start. */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3004),
    DATABASE_URL: z.string().default(localDatabaseUrl('payment')),
    /** The payments sandbox's own role and schema: the payment code cannot read its ledger. */
    SANDBOX_DATABASE_URL: z.string().default(localDatabaseUrl('sandbox')),
  }),
  process.env,
)

export type Env = typeof env
