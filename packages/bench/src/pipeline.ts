import { Events } from '@careforall/contracts'
import { openDatabase, type Sql, withTransaction } from '@careforall/db'
import { createTestResources } from '@careforall/db/testing'
import { createLogger } from '@careforall/logger'
import {
  type Broker,
  connectBroker,
  messagingMigrations,
  type OutboxRelayOptions,
  publish,
  startConsumer,
  startOutboxRelay,
} from '@careforall/messaging'

/**
 * The whole path under test, in its own throwaway world: a producer (`payment` schema) commits a
 * `payment.captured` with its outbox row; its relay publishes it; a consumer (`totals` schema)
 * applies it through the inbox. `onConsumed` fires once the consumer's transaction committed
 * and the delivery was acked.
 */
export interface Pipeline {
  /** Commits `count` events (default 1) in one transaction; resolves with their ids after the commit. */
  emit(count?: number): Promise<string[]>
  close(): Promise<void>
}

export async function startPipeline(
  onConsumed: (eventId: string) => void,
  tuning: Partial<Pick<OutboxRelayOptions, 'batchSize' | 'batchesInFlight'>> = {},
): Promise<Pipeline> {
  const world = await createTestResources()
  const logger = createLogger({ serviceName: 'bench', level: 'warn' })
  const open = (schema: string) =>
    openDatabase({
      url: world.databaseUrl(schema),
      schema,
      migrations: [messagingMigrations],
      logger,
      max: 10,
    })
  const producer: Sql = await open('payment')
  const consumer: Sql = await open('totals')
  await consumer`create table effects (event_id text primary key, amount_cents int not null)`
  const brokers: Broker[] = []
  const broker = async (name: string) => {
    const connected = await connectBroker({ url: world.rabbitmqUrl, logger, name })
    brokers.push(connected)
    await connected.connection.waitForConnect()
    return connected
  }
  const inbox = await startConsumer({
    broker: await broker('bench-consumer'),
    sql: consumer,
    logger,
    queue: 'totals-service.bench',
    bindings: [{ exchange: 'payment.events', routingKeys: ['payment.captured'] }],
    handlers: {
      'payment.captured': async (event, { tx }) => {
        await tx`insert into effects (event_id, amount_cents) values (${event.id}, ${event.data.amountCents})`
      },
    },
    onSettled: ({ messageId, outcome }) => {
      if (messageId && outcome === 'applied') onConsumed(messageId)
    },
  })
  const relay = await startOutboxRelay({
    sql: producer,
    databaseUrl: world.databaseUrl('payment'),
    schema: 'payment',
    broker: await broker('bench-relay'),
    logger,
    ...tuning,
  })
  return {
    emit: (count = 1) =>
      withTransaction(producer, async (tx) => {
        const ids: string[] = []
        for (let index = 0; index < count; index++) {
          const paymentId = crypto.randomUUID()
          const event = await publish(tx, 'payment-service', {
            type: Events.PaymentCaptured,
            data: {
              paymentId,
              pledgeId: crypto.randomUUID(),
              campaignId: crypto.randomUUID(),
              donorKey: 'g:bench',
              amountCents: 2500,
              providerTransactionId: `tx_${paymentId}`,
            },
            aggregate: 'payment',
            aggregateId: paymentId,
          })
          ids.push(event.id)
        }
        return ids
      }),
    close: async () => {
      await relay.stop()
      await inbox.stop()
      await Promise.all(brokers.map((connected) => connected.close()))
      await Promise.all([producer.end({ timeout: 1 }), consumer.end({ timeout: 1 })])
      await world.cleanup()
    },
  }
}
