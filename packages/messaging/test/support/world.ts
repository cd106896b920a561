import { Events } from '@careforall/contracts'
import { openDatabase, type Sql, withTransaction } from '@careforall/db'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { createLogger, type Logger } from '@careforall/logger'
import {
  type Broker,
  type Consumer,
  connectBroker,
  messagingMigrations,
  type OutboxRelay,
  type OutboxRelayOptions,
  publish,
  startConsumer,
  startOutboxRelay,
} from '../../src'

/** One test file's world: its own database and vhost, a producing and a consuming service. */
export interface MessagingWorld {
  resources: TestResources
  /** The producer's pool (`payment` schema, publishes `payment.captured`). */
  producer: Sql
  /** The consumer's pool (`totals` schema, with an `effects` table handlers write to). */
  consumer: Sql
  logger: Logger
  /** A broker connection closed at cleanup; `url` defaults to the world's vhost. */
  connect(name: string, url?: string): Promise<Broker>
  cleanup(): Promise<void>
}

export const PAYMENT_EVENTS = [{ exchange: 'payment.events', routingKeys: ['payment.*'] }]

export async function createMessagingWorld(): Promise<MessagingWorld> {
  const resources = await createTestResources()
  const logger = createLogger({ serviceName: 'messaging-test', level: 'silent' })
  const open = (schema: string) =>
    openDatabase({
      url: resources.databaseUrl(schema),
      schema,
      migrations: [messagingMigrations],
      logger,
      max: 6,
    })
  const producer = await open('payment')
  const consumer = await open('totals')
  // No unique key on purpose: a second effect of one event would show as a second row.
  await consumer`create table effects (event_id text not null, applied_at timestamptz not null default clock_timestamp())`
  const brokers: Broker[] = []
  return {
    resources,
    producer,
    consumer,
    logger,
    connect: async (name, url = resources.rabbitmqUrl) => {
      const broker = await connectBroker({ url, logger, name })
      brokers.push(broker)
      await broker.connection.waitForConnect()
      return broker
    },
    cleanup: async () => {
      await Promise.all(brokers.map((broker) => broker.close()))
      await Promise.all([producer.end({ timeout: 1 }), consumer.end({ timeout: 1 })])
      await resources.cleanup()
    },
  }
}

/** A valid `payment.captured` payload. */
export function captured(amountCents = 1000) {
  return {
    paymentId: crypto.randomUUID(),
    pledgeId: crypto.randomUUID(),
    campaignId: crypto.randomUUID(),
    donorKey: 'g:test',
    amountCents,
    providerTransactionId: `tx_${crypto.randomUUID()}`,
  }
}

/** Commits `count` events, one transaction each, and returns their ids. */
export async function emit(sql: Sql, count: number): Promise<string[]> {
  const ids: string[] = []
  for (let index = 0; index < count; index++) {
    const data = captured()
    const event = await withTransaction(sql, (tx) =>
      publish(tx, 'payment-service', {
        type: Events.PaymentCaptured,
        data,
        aggregate: 'payment',
        aggregateId: data.paymentId,
      }),
    )
    ids.push(event.id)
  }
  return ids
}

/** Polls until `check` holds, or fails with what it last saw. */
export async function waitFor<T>(
  read: () => Promise<T> | T,
  check: (value: T) => boolean,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await read()
    if (check(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting; last value: ${JSON.stringify(value)}`)
    await Bun.sleep(25)
  }
}

/** Rows in the consumer's `effects` table: total, and distinct events. */
export async function countEffects(sql: Sql): Promise<{ total: number; distinct: number }> {
  const [row] = await sql<{ total: number; distinct: number }[]>`
    select count(*)::int as total, count(distinct event_id)::int as distinct from effects`
  return row!
}

/** The producer's relay (`payment` schema) on `broker`, with test-sized settings where given. */
export function startPaymentRelay(
  world: MessagingWorld,
  broker: Broker,
  overrides: Partial<OutboxRelayOptions> = {},
): Promise<OutboxRelay> {
  return startOutboxRelay({
    sql: world.producer,
    databaseUrl: world.resources.databaseUrl('payment'),
    schema: 'payment',
    broker,
    logger: world.logger,
    ...overrides,
  })
}

/** A consumer on its own connection whose handler writes one `effects` row per event. */
export async function consumeIntoEffects(world: MessagingWorld, queue: string): Promise<Consumer> {
  return startConsumer({
    broker: await world.connect(`${queue}-consumer`),
    sql: world.consumer,
    logger: world.logger,
    queue,
    bindings: PAYMENT_EVENTS,
    handlers: {
      'payment.captured': async (event, { tx }) => {
        await tx`insert into effects (event_id) values (${event.id})`
      },
    },
  })
}

/** Outbox rows not yet marked sent. */
export async function unsent(sql: Sql): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    select count(*)::int as count from outbox where processed_at is null`
  return row!.count
}

/** Retries `work` a few times (a pool's first query after its connections were killed may fail). */
export async function retry<T>(work: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await work()
    } catch (error) {
      if (attempt >= 5) throw error
      await Bun.sleep(100)
    }
  }
}
