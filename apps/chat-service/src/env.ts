import { localDatabaseUrl, parseEnv, port, serviceEnv } from '@careforall/http'
import { z } from 'zod'

/** The only reader of `process.env` in the chat service: validated once at start. */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3006),
    DATABASE_URL: z.string().default(localDatabaseUrl('chat')),
  }),
  process.env,
)

export type Env = typeof env
