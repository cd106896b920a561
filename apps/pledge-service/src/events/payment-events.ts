import { Events, Exchanges } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { type Broker, startConsumer } from '@careforall/messaging'
import { applyPaymentEvent } from '../usecases/pledges'

/** The pledge service follows its payments: every payment.* event drives the pledge state machine. */
export function consumePaymentEvents(options: {
  broker: Broker
  sql: Sql
  logger: Logger
  retryDelaysMs?: number[]
}) {
  return startConsumer({
    broker: options.broker,
    sql: options.sql,
    logger: options.logger,
    queue: 'pledge-service.payment-events',
    bindings: [
      {
        exchange: Exchanges.payment,
        routingKeys: [
          Events.PaymentAuthorized,
          Events.PaymentCaptured,
          Events.PaymentFailed,
          Events.PaymentRefunded,
        ],
      },
    ],
    ...(options.retryDelaysMs ? { retryDelaysMs: options.retryDelaysMs } : {}),
    handlers: {
      [Events.PaymentAuthorized]: async (event, ctx) =>
        void (await applyPaymentEvent(ctx.tx, event, ctx.logger)),
      [Events.PaymentCaptured]: async (event, ctx) =>
        void (await applyPaymentEvent(ctx.tx, event, ctx.logger)),
      [Events.PaymentFailed]: async (event, ctx) => void (await applyPaymentEvent(ctx.tx, event, ctx.logger)),
      [Events.PaymentRefunded]: async (event, ctx) =>
        void (await applyPaymentEvent(ctx.tx, event, ctx.logger)),
    },
  })
}
