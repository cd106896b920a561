import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startTcpProxy } from '@careforall/db/testing'
import { DEPTH_FRESH_MS, startConsumer } from '../src'
import {
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

/** A consumer whose handler always fails: every event it gets ends in its DLQ. */
function failingConsumer(queue: string, broker: Parameters<typeof startConsumer>[0]['broker']) {
  return startConsumer({
    broker,
    sql: world.consumer,
    logger: world.logger,
    queue,
    bindings: PAYMENT_EVENTS,
    retryDelaysMs: [50],
    handlers: {
      'payment.captured': async () => {
        throw new Error('downstream rejects it')
      },
    },
  })
}

describe("the broker's dead-letter depths", () => {
  it('reports each consumer DLQ by name, counting what is parked there, and forgets a stopped consumer', async () => {
    const queue = 'totals-service.depth-test'
    const broker = await world.connect('depth-test')
    const consumer = await failingConsumer(queue, broker)
    const relay = await startPaymentRelay(world, broker)
    try {
      expect(await broker.deadLetterDepths()).toEqual({ [`${queue}.dlq`]: 0 })
      await emit(world.producer, 2)
      const parked = await waitFor(
        () => broker.deadLetterDepths(),
        (depths) => depths[`${queue}.dlq`] === 2,
        DEPTH_FRESH_MS + 10_000,
      )
      expect(parked).toEqual({ [`${queue}.dlq`]: 2 })
      // A connection without consumers has no dead-letter queue of its own.
      expect(await (await world.connect('depth-test-idle')).deadLetterDepths()).toEqual({})
    } finally {
      await relay.stop()
      await consumer.stop()
    }
    expect(await broker.deadLetterDepths()).toEqual({})
  }, 30_000)

  it('answers within its timeout, leaving the queue out, when the broker stops answering', async () => {
    const queue = 'totals-service.depth-stall-test'
    const target = new URL(world.resources.rabbitmqUrl)
    const proxy = startTcpProxy({ hostname: target.hostname, port: Number(target.port || 5672) })
    const broker = await world.connect('depth-stall-test', proxy.url(world.resources.rabbitmqUrl))
    const consumer = await failingConsumer(queue, broker)
    try {
      expect(await broker.deadLetterDepths()).toEqual({ [`${queue}.dlq`]: 0 })
      proxy.stall()
      await Bun.sleep(DEPTH_FRESH_MS) // past the figure read just before
      const started = performance.now()
      expect(await broker.deadLetterDepths(300)).toEqual({})
      expect(performance.now() - started).toBeLessThan(600)
    } finally {
      proxy.cut()
      await consumer.stop()
      proxy.close()
    }
  }, 30_000)
})
