import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { listDeadLetters, replayDeadLetters, startConsumer } from '../src'
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

describe('retries and the dead-letter queue', () => {
  it('retries a failing handler with growing delays, parks it in the DLQ, and a replay applies it once', async () => {
    const queue = 'totals-service.retry-test'
    const retryDelaysMs = [150, 400, 800]
    const attempts: number[] = []
    let broken = true
    const broker = await world.connect('retry-test')
    const consumer = await startConsumer({
      broker,
      sql: world.consumer,
      logger: world.logger,
      queue,
      bindings: PAYMENT_EVENTS,
      retryDelaysMs,
      handlers: {
        'payment.captured': async (event, { tx }) => {
          await tx`insert into effects (event_id) values (${event.id})`
          attempts.push(performance.now())
          if (broken) throw new Error('downstream rejects it')
        },
      },
    })
    const relay = await startPaymentRelay(world, broker)
    try {
      const [id] = await emit(world.producer, 1)
      const parked = await waitFor(
        () => listDeadLetters(world.resources.rabbitmqUrl, queue),
        (messages) => messages.length === 1,
      )
      expect(parked[0]!.messageId).toBe(id!)
      expect(parked[0]!.type).toBe('payment.captured')
      expect(parked[0]!.deaths.find((death) => death.queue === queue)).toMatchObject({
        reason: 'rejected',
        count: 4,
      })

      // One first try and one per rung, each after its own, longer delay; nothing applied.
      expect(attempts).toHaveLength(1 + retryDelaysMs.length)
      const gaps = attempts.slice(1).map((at, index) => at - attempts[index]!)
      gaps.forEach((gap, index) => {
        expect(gap).toBeGreaterThanOrEqual(retryDelaysMs[index]! * 0.9)
        expect(gap).toBeLessThan(retryDelaysMs[index]! + 1000)
      })
      expect(gaps[1]!).toBeGreaterThan(gaps[0]!)
      expect(gaps[2]!).toBeGreaterThan(gaps[1]!)
      expect(await countEffects(world.consumer)).toEqual({ total: 0, distinct: 0 })

      // Listing leaves it parked; a replay after the fix applies it, once.
      expect(await listDeadLetters(world.resources.rabbitmqUrl, `${queue}.dlq`)).toHaveLength(1)
      broken = false
      expect(await replayDeadLetters(world.resources.rabbitmqUrl, queue)).toBe(1)
      await waitFor(
        () => countEffects(world.consumer),
        (seen) => seen.total === 1,
      )
      expect(await listDeadLetters(world.resources.rabbitmqUrl, queue)).toEqual([])
      expect(await replayDeadLetters(world.resources.rabbitmqUrl, queue)).toBe(0)
      await Bun.sleep(200)
      expect(await countEffects(world.consumer)).toEqual({ total: 1, distinct: 1 })
      const rows = await world.consumer`select event_id from effects`
      expect(rows[0]!.eventId).toBe(id!)
    } finally {
      await relay.stop()
      await consumer.stop()
    }
  }, 30_000)
})
