import { localDatabaseUrl, parseEnv, port, serviceEnv } from '@careforall/http'
import { z } from 'zod'

/** The only reader of `process.env` in the totals service: validated once at start. */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3005),
    DATABASE_URL: z.string().default(localDatabaseUrl('totals')),
  }),
  process.env,
)

export type Env = typeof env
