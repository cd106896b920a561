import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { createLogger } from '@careforall/logger'
import { connectBroker } from './connection'

let world: TestResources
const logger = createLogger({ serviceName: 'messaging-test', level: 'silent' })

beforeAll(async () => {
  world = await createTestResources()
}, 30_000)
afterAll(async () => {
  await world?.cleanup()
}, 30_000)

describe('connectBroker', () => {
  it('connects, runs setup steps and reports its state', async () => {
    const broker = await connectBroker({ url: world.rabbitmqUrl, logger, name: 'test' })
    await broker.connection.waitForConnect()
    await Bun.sleep(10)
    expect(broker.isConnected()).toBe(true)
    let ran = 0
    await broker.addSetup(async (model) => {
      const channel = await model.createChannel()
      await channel.assertExchange('test.events', 'topic', { durable: true })
      await channel.close()
      ran++
    })
    expect(ran).toBe(1)
    await broker.close()
    expect(broker.isConnected()).toBe(false)
  })

  it('starts without a broker and says it is not connected', async () => {
    const broker = await connectBroker({ url: 'amqp://guest:guest@127.0.0.1:1', logger, name: 'nowhere' })
    await Bun.sleep(300)
    expect(broker.isConnected()).toBe(false)
    await broker.close()
  })
})
