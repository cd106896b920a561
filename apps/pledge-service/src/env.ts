import { localDatabaseUrl, parseEnv, port, serviceEnv } from '@careforall/http'
import { z } from 'zod'

/** The only reader of `process.env` in the pledge service: validated once at start. */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3003),
    DATABASE_URL: z.string().default(localDatabaseUrl('pledge')),
  }),
  process.env,
)

export type Env = typeof env
