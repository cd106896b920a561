import { parseEnv, port, serviceEnv, socketLimitsEnv } from '@careforall/http'
import { z } from 'zod'

const upstream = (defaultUrl: string) =>
  z
    .url()
    .default(defaultUrl)
    // A trailing slash would double the one every forwarded path starts with.
    .transform((url) => url.replace(/\/+$/, ''))

const origins = z
  .string()
  .default('http://localhost:5173,http://localhost:3000')
  .transform((list) =>
    list
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean),
  )

/**
 * The only reader of `process.env` in the gateway: validated once at start. The gateway owns no
 * data, so it reads no database or broker settings, only where each upstream service listens.
 */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3000),
    AUTH_SERVICE_URL: upstream('http://127.0.0.1:3001'),
    CAMPAIGN_SERVICE_URL: upstream('http://127.0.0.1:3002'),
    PLEDGE_SERVICE_URL: upstream('http://127.0.0.1:3003'),
    PAYMENT_SERVICE_URL: upstream('http://127.0.0.1:3004'),
    TOTALS_SERVICE_URL: upstream('http://127.0.0.1:3005'),
    CHAT_SERVICE_URL: upstream('http://127.0.0.1:3006'),
    /** How long an upstream may take to start answering (headers) before the client gets a 504. */
    UPSTREAM_TIMEOUT_MS: z.coerce.number().int().positive().default(10_000),
    BODY_LIMIT_BYTES: z.coerce
      .number()
      .int()
      .positive()
      .default(1024 * 1024),
    /** Comma-separated origins allowed by CORS (the admin panel's dev server and the gateway itself). */
    CORS_ORIGINS: origins,
    /** The admin panel's build (`bun run --filter @careforall/admin build`), served at /admin. */
    ADMIN_DIST_DIR: z.string().default(new URL('../../admin/dist', import.meta.url).pathname),
    /** The client's side of each chat socket (the relay) keeps the chat service's limits. */
    ...socketLimitsEnv,
  }),
  process.env,
)

export type Env = typeof env
