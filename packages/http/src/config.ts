import { z } from 'zod'
import { trustProxies } from './client-ip'

const DEV_SECRET = 'dev-internal-secret-change-me'

/**
 * What every service reads from its environment; a service's `env.ts` extends it with its own
 * settings and passes `process.env` in (that file is the only reader of `process.env`).
 * Defaults target the machine's local PostgreSQL, RabbitMQ and Redis, so `bun run dev` needs no
 * `.env` file.
 */
export const serviceEnv = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  HOST: z.string().default('0.0.0.0'),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  RABBITMQ_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
  REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
  /** Prefix for every Redis key this process writes (tests give each run its own). */
  REDIS_PREFIX: z.string().default('cfa:'),
  INTERNAL_SERVICE_SECRET: z.string().min(16).default(DEV_SECRET),
  /**
   * Proxies whose X-Forwarded-For is believed when finding a client's address (per-IP rate
   * limits, sessions): addresses, CIDRs, `loopback`, `uniquelocal` (compose, Kubernetes).
   */
  TRUSTED_PROXIES: z
    .string()
    .default('loopback')
    .refine(validProxyList, 'a comma-separated list of addresses, CIDRs, loopback, linklocal or uniquelocal'),
  /**
   * Connections in the service's PostgreSQL pool. Seven services share one server's
   * max_connections (100 by default), so the sum of every pool must stay below it.
   */
  DATABASE_POOL_MAX: z.coerce.number().int().min(1).max(100).default(10),
  /**
   * A dependency (database, broker, Redis) down this long makes the service exit non-zero, so its
   * supervisor starts a fresh process (0: never). Recovery normally takes seconds; this is the
   * backstop for a client wedged where reconnecting cannot reach it.
   */
  UNREADY_EXIT_AFTER_MS: z.coerce.number().int().min(0).default(30_000),
  /** Sent outbox rows are kept this long, then removed (unsent rows never are). */
  OUTBOX_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(7 * 24),
  /** Inbox rows (the record of events consumed) are kept this long, then removed. */
  INBOX_RETENTION_HOURS: z.coerce
    .number()
    .int()
    .min(1)
    .default(30 * 24),
})

/**
 * The chat sockets' limits, read by the chat service and by the gateway (which holds the client's
 * side of each chat socket): a socket silent this long is closed (Bun pings it first), a reader
 * this far behind is dropped instead of growing memory.
 */
export const socketLimitsEnv = {
  CHAT_IDLE_TIMEOUT_SECONDS: z.coerce.number().int().min(5).max(960).default(60),
  CHAT_BACKPRESSURE_LIMIT_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(1024 * 1024),
}

/** A port setting with the service's default (DESIGN.md's port table). */
export function port(defaultPort: number) {
  return z.coerce.number().int().min(0).max(65535).default(defaultPort)
}

/** A service's own database role on the local server, e.g. `cfa_campaign`. */
export function localDatabaseUrl(schema: string): string {
  return `postgres://cfa_${schema}@127.0.0.1:5432/careforall`
}

/**
 * Parses the environment or exits with the list of what is missing or wrong (fail fast, never
 * skip validation). Production refuses the development internal secret.
 */
export function parseEnv<T extends z.ZodType<{ NODE_ENV: string; INTERNAL_SERVICE_SECRET: string }>>(
  schema: T,
  source: Record<string, string | undefined>,
): z.infer<T> {
  const result = schema.safeParse(source)
  if (!result.success) {
    const lines = result.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`)
    console.error(`Invalid environment:\n${lines.join('\n')}`)
    process.exit(1)
  }
  if (result.data.NODE_ENV === 'production' && result.data.INTERNAL_SERVICE_SECRET === DEV_SECRET) {
    console.error('Invalid environment:\n  INTERNAL_SERVICE_SECRET: set a real secret in production')
    process.exit(1)
  }
  return result.data
}

function validProxyList(list: string): boolean {
  try {
    trustProxies(list)
    return true
  } catch {
    return false
  }
}
