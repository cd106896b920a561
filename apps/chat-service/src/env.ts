import { localDatabaseUrl, parseEnv, port, serviceEnv, socketLimitsEnv } from '@careforall/http'
import { z } from 'zod'

/** The only reader of `process.env` in the chat service: validated once at start. */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3006),
    DATABASE_URL: z.string().default(localDatabaseUrl('chat')),
    AUTH_JWKS_URL: z.url().default('http://127.0.0.1:3001/api/auth/.well-known/jwks.json'),
    /** Where a signed-in visitor's display name comes from (`GET /api/auth/me` with their token). */
    AUTH_SERVICE_URL: z.url().default('http://127.0.0.1:3001'),
    /** Where a room checks its campaign (exists, open, who owns it). */
    CAMPAIGN_SERVICE_URL: z.url().default('http://127.0.0.1:3002'),
    /** Messages one user may post across every room and instance, per window. */
    CHAT_RATE_LIMIT: z.coerce.number().int().min(1).default(10),
    CHAT_RATE_WINDOW_SECONDS: z.coerce.number().int().min(1).default(10),
    ...socketLimitsEnv,
    /** Longest mute an owner or admin may set, in minutes (a week). */
    CHAT_MAX_MUTE_MINUTES: z.coerce
      .number()
      .int()
      .min(1)
      .default(7 * 24 * 60),
  }),
  process.env,
)

export type Env = typeof env
