import { z } from 'zod'

/** The first admin's development password; the dev runner prints it only while it is this one. */
export const DEFAULT_ADMIN_PASSWORD = 'change-me-admin-password'

/** Settings of the developer commands (`bun run dev`, `bun run setup`, `bun run test`). */
export const devEnv = z
  .object({
    /** A superuser connection: creates the database, the schemas and the roles. */
    DATABASE_ADMIN_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
    /** The platform's one database (tests start the platform on a throwaway one). */
    DATABASE_NAME: z.string().default('careforall'),
    /** Password for the service roles, where the server asks for one (compose); trust auth needs none. */
    SERVICE_DB_PASSWORD: z.string().optional(),
    RABBITMQ_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    REDIS_PREFIX: z.string().default('cfa:'),
    /** Shifts every service port (3000–3006) by this much, to run a second platform beside the first. */
    PORT_OFFSET: z.coerce.number().int().min(0).max(50_000).default(0),
    /** Restart a service when its code changes. */
    DEV_WATCH: z.stringbool().default(true),
    /**
     * Start PostgreSQL, RabbitMQ or Redis when it is installed here but stopped (at its default
     * local address); false only checks them.
     */
    DEV_START_SERVERS: z.stringbool().default(true),
    /** Seed demo data (an admin, a few campaigns) once everything is ready. */
    DEV_SEED: z.stringbool().default(true),
    /** `bun packages/devkit/src/seed.ts` (compose's seed job): where the gateway answers. */
    GATEWAY_URL: z.url().default('http://127.0.0.1:3000'),
    LOG_LEVEL: z.string().default('info'),
    /** Print service log lines as raw JSON instead of the readable form, every one (no collapsing). */
    DEV_RAW_LOGS: z.stringbool().default(false),
    INTERNAL_SERVICE_SECRET: z.string().optional(),
    OTEL_EXPORTER_OTLP_ENDPOINT: z.string().optional(),
    /** Passed to services unchanged (admin seeding, sandbox settings, …). */
    ADMIN_EMAIL: z.string().default('admin@careforall.dev'),
    ADMIN_PASSWORD: z.string().default(DEFAULT_ADMIN_PASSWORD),
    CI: z.stringbool().default(false),
  })
  .parse(process.env)

/** The machine's environment, handed on to the processes the dev runner starts. */
export const inheritedEnv: Record<string, string | undefined> = { ...process.env }
