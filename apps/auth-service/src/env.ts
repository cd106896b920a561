import { localDatabaseUrl, parseEnv, port, serviceEnv } from '@careforall/http'
import { z } from 'zod'

const count = (fallback: number) => z.coerce.number().int().positive().default(fallback)

/** The only reader of `process.env` in the auth service: validated once at start. */
export const env = parseEnv(
  serviceEnv.extend({
    PORT: port(3001),
    DATABASE_URL: z.string().default(localDatabaseUrl('auth')),
    /** The first admin, created at start when no user has this email. */
    ADMIN_EMAIL: z.email().optional(),
    ADMIN_PASSWORD: z.string().min(12).max(128).optional(),
    /** Where the reset link points (the admin panel or the public site, through the gateway). */
    PUBLIC_URL: z.url().default('http://localhost:3000'),
    REFRESH_TOKEN_TTL_DAYS: count(30),
    RESET_TOKEN_TTL_MINUTES: count(30),
    /** Rate limits, per window: per IP and per account (email). */
    RATE_LIMIT_WINDOW_SECONDS: count(15 * 60),
    LOGIN_LIMIT_PER_IP: count(50),
    LOGIN_LIMIT_PER_ACCOUNT: count(10),
    REGISTER_LIMIT_PER_IP: count(20),
    RESET_LIMIT_PER_IP: count(20),
    RESET_LIMIT_PER_ACCOUNT: count(5),
  }),
  process.env,
)

export type Env = typeof env
