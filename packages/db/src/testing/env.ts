import { z } from 'zod'

/** Where test runs find the machine's servers; defaults fit the local ones (trust auth). */
export const testEnv = z
  .object({
    DATABASE_ADMIN_URL: z.string().default('postgres://postgres@127.0.0.1:5432/postgres'),
    RABBITMQ_URL: z.string().default('amqp://guest:guest@127.0.0.1:5672'),
    REDIS_URL: z.string().default('redis://127.0.0.1:6379'),
    /** Set to keep the test database and vhost for a post-mortem. */
    TEST_KEEP_RESOURCES: z.stringbool().default(false),
  })
  .parse(process.env)
