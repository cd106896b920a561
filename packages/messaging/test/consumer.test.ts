import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { CloudEvent } from '@careforall/contracts'
import { startTcpProxy } from '@careforall/db/testing'
import { type Consumer, type ConsumerOptions, startConsumer, subscribeFanout } from '../src'
import {
  countEffects,
  createMessagingWorld,
  emit,
  type MessagingWorld,
  PAYMENT_EVENTS,
  startPaymentRelay,
  waitFor,
} from './support/world'

let world: MessagingWorld

beforeAll(async () => {
  world = await createMessagingWorld()
}, 30_000)
afterAll(async () => {
  await world?.cleanup()
}, 30_000)

/** While set, handlers wait on it inside their transaction (after writing their effect). */
let gate: { opened: Promise<void>; waiting: number } | undefined

function options(queue: string, broker: ConsumerOptions['broker']): ConsumerOptions {
  return {
    broker,
    sql: world.consumer,
    logger: world.logger,
    queue,
    bindings: PAYMENT_EVENTS,
    prefetch: 50,
    handlers: {
      'payment.captured': async (event, { tx }) => {
        await tx`insert into effects (event_id) values (${event.id})`
        await Bun.sleep(2) // keeps deliveries in flight when the restarts hit
        if (gate) {
          gate.waiting++
          await gate.opened
        }
      },
    },
  }
}

/** The vhost's queues as RabbitMQ reports them (arguments come as `[name, type, value]` triples). */
async function rabbitQueues(): Promise<{ name: string; type: string; arguments: Record<string, unknown> }[]> {
  const proc = Bun.spawn(
    [
      'rabbitmqctl',
      'list_queues',
      '-p',
      world.resources.vhost,
      'name',
      'type',
      'arguments',
      '--formatter',
      'json',
    ],
    { stdout: 'pipe', stderr: 'pipe' },
  )
  const queues: { name: string; type: string; arguments: [string, string, unknown][] }[] = JSON.parse(
    await new Response(proc.stdout).text(),
  )
  return queues.map((queue) => ({
    ...queue,
    arguments: Object.fromEntries(queue.arguments.map(([name, , value]) => [name, value])),
  }))
}

describe('the inbox consumer', () => {
  it('applies each event exactly once while the consumer restarts mid-flow', async () => {
    const queue = 'totals-service.restart-test'
    const target = new URL(world.resources.rabbitmqUrl)
    const proxy = startTcpProxy({ hostname: target.hostname, port: Number(target.port || 5672) })
    const relay = await startPaymentRelay(world, await world.connect('restart-relay'))
    let consumer: Consumer = await startConsumer(options(queue, await world.connect('restart-1')))
    const total = 600
    const flowing = (async () => {
      for (let round = 0; round < 12; round++) {
        await emit(world.producer, total / 12)
        await Bun.sleep(40)
      }
    })()
    try {
      // A graceful restart: stop (in-flight deliveries finish and ack), start a new one.
      await waitFor(
        () => countEffects(world.consumer),
        (seen) => seen.total >= 100,
      )
      await consumer.stop()
      const broker = await world.connect('restart-2', proxy.url(world.resources.rabbitmqUrl))
      consumer = await startConsumer(options(queue, broker))

      // A crash-like one: the connection drops with deliveries in flight; their transactions
      // commit after it, so their acks are lost and the broker redelivers them after the reconnect.
      await waitFor(
        () => countEffects(world.consumer),
        (seen) => seen.total >= 300,
      )
      const { promise: opened, resolve: open } = Promise.withResolvers<void>()
      const held = { opened, waiting: 0 }
      gate = held
      await waitFor(
        () => held.waiting,
        (waiting) => waiting >= 4,
      )
      proxy.cut()
      await waitFor(
        () => broker.isConnected(),
        (connected) => !connected,
      )
      gate = undefined
      open()
      const committedUnacked = held.waiting
      await Bun.sleep(200)
      proxy.restore()

      await flowing
      await waitFor(
        () => countEffects(world.consumer),
        (seen) => seen.total >= total,
        20_000,
      )
      await Bun.sleep(300)
      await consumer.stop()
      const channel = await (await world.connect('restart-inspector')).connection.createChannel()
      expect((await channel.checkQueue(queue)).messageCount).toBe(0)
      expect(await countEffects(world.consumer)).toEqual({ total, distinct: total })
      expect(committedUnacked).toBeGreaterThanOrEqual(4)
    } finally {
      await consumer.stop()
      await relay.stop()
      proxy.close()
    }
  }, 40_000)

  it('declares a quorum queue with a delivery limit, a dead-letter exchange, a retry ladder and a DLQ', async () => {
    const queue = 'totals-service.topology-test'
    const consumer = await startConsumer({
      ...options(queue, await world.connect('topology')),
      deliveryLimit: 7,
      retryDelaysMs: [1000, 5000, 30_000],
    })
    await consumer.stop()
    const queues = new Map((await rabbitQueues()).map((q) => [q.name, q]))
    expect(queues.get(queue)).toMatchObject({
      type: 'quorum',
      arguments: {
        'x-queue-type': 'quorum',
        'x-delivery-limit': 7,
        'x-dead-letter-exchange': `${queue}.retry`,
        'x-dead-letter-strategy': 'at-least-once',
      },
    })
    expect([1, 2, 3].map((rung) => queues.get(`${queue}.retry.${rung}`)?.arguments['x-message-ttl'])).toEqual(
      [1000, 5000, 30_000],
    )
    expect(queues.get(`${queue}.retry.3`)?.arguments).toMatchObject({
      'x-dead-letter-exchange': `${queue}.redeliver`,
      'x-dead-letter-routing-key': 'attempt.4',
    })
    expect(queues.get(`${queue}.dlq`)).toMatchObject({ type: 'quorum' })
  }, 20_000)

  it('delivers every event to every process subscribed for fan-out', async () => {
    const seen: CloudEvent[][] = [[], []]
    const subscriptions = await Promise.all(
      seen.map(async (list, index) =>
        subscribeFanout({
          broker: await world.connect(`fanout-${index}`),
          logger: world.logger,
          bindings: PAYMENT_EVENTS,
          onEvent: (event) => void list.push(event),
        }),
      ),
    )
    const relay = await startPaymentRelay(world, await world.connect('fanout-relay'))
    try {
      const ids = await emit(world.producer, 5)
      await waitFor(
        () => seen.map((list) => list.length),
        (counts) => counts.every((count) => count >= 5),
      )
      for (const list of seen) expect(list.map((event) => event.id).sort()).toEqual([...ids].sort())
    } finally {
      await relay.stop()
      await Promise.all(subscriptions.map((subscription) => subscription.stop()))
    }
  }, 20_000)
})
