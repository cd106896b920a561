import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import type { Broker } from '@careforall/messaging'
import type { PaymentService } from './app'
import type { Env } from './env'
import { startPledgeConsumer } from './events/pledge-created'
import { startLoop } from './loop'

/**
 * Everything the payment service runs besides answering HTTP: the sandbox's back office and
 * webhook delivery, the pledge.created consumer, the resumer (recovery points), the webhook
 * applier and the expiry sweeper (the outbox relay and the reapers are startService's, as in every
 * service).
 * Stopped in the order that lets in-flight work finish.
 */
export async function startWorkers(options: {
  env: Env
  logger: Logger
  sql: Sql
  broker: Broker
  service: PaymentService
}) {
  const { env, logger, sql, broker, service } = options
  const sandbox = await service.sandbox.start()
  const consumer = await startPledgeConsumer({
    broker,
    sql,
    logger,
    provider: 'sandbox',
    leaseMs: env.RECOVERY_LEASE_MS,
    // Each delivery holds a pooled connection for its transaction: a bounded prefetch leaves
    // connections for webhooks and provider-call phases under a burst of pledges.
    prefetch: 20,
    onCreated: (payment) => void service.driver.drive(payment),
  })
  const resumer = startLoop({
    name: 'resumer',
    intervalMs: env.RECOVERY_SWEEP_INTERVAL_MS,
    logger,
    round: async () => {
      const [payments, refunds] = await Promise.all([service.driver.round(), service.refunds.round()])
      return payments || refunds
    },
  })
  const applier = startLoop({
    name: 'webhook-applier',
    intervalMs: env.WEBHOOK_APPLY_INTERVAL_MS,
    logger,
    round: service.applyDueWebhooks,
  })
  const expiry = startLoop({
    name: 'expiry-sweeper',
    intervalMs: env.EXPIRY_SWEEP_INTERVAL_MS,
    logger,
    round: service.expiry.round,
  })

  return {
    /** Runs the expiry sweep now (tests). */
    sweepExpired: () => service.expiry.round(),
    stop: async () => {
      await consumer.stop()
      await Promise.all([resumer.stop(), applier.stop(), expiry.stop()])
      await Promise.all([service.driver.idle(), service.refunds.idle()])
      await sandbox.stop()
    },
  }
}
