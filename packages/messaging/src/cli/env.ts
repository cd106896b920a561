import { z } from 'zod'

/** The DLQ tool's only setting: which broker (and vhost) to look at. */
export const cliEnv = z
  .object({ RABBITMQ_URL: z.string().min(1).default('amqp://guest:guest@127.0.0.1:5672') })
  .parse(process.env)
