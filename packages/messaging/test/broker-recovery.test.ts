import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startTcpProxy, type TcpProxy } from '@careforall/db/testing'
import { type Broker, connectBroker } from '../src'
import { createMessagingWorld, type MessagingWorld, waitFor } from './support/world'

// Recovery must never wait on something that does not settle: the faults here are the ones a
// broker restart or a Bun socket left behind on the platform (issue 11), where a service went on
// answering HTTP while its broker connection was gone for good.
let world: MessagingWorld
let proxy: TcpProxy
const brokers: Broker[] = []

beforeAll(async () => {
  world = await createMessagingWorld()
  const target = new URL(world.resources.rabbitmqUrl)
  proxy = startTcpProxy({ hostname: target.hostname, port: Number(target.port || 5672) })
}, 30_000)

afterAll(async () => {
  await Promise.all(brokers.map((broker) => broker.close()))
  proxy?.close()
  await world?.cleanup()
}, 30_000)

async function connect(name: string, options: { connectTimeoutMs?: number; probeIntervalMs?: number }) {
  const broker = await connectBroker({
    url: proxy.url(world.resources.rabbitmqUrl),
    logger: world.logger,
    name,
    ...options,
  })
  brokers.push(broker)
  return broker
}

describe('broker recovery', () => {
  it('retries a connection attempt whose handshake the broker never answers', async () => {
    proxy.stall()
    const broker = await connect('never-answered', { connectTimeoutMs: 300 })
    await Bun.sleep(500) // the first attempt is stuck in its handshake
    expect(broker.isConnected()).toBe(false)
    proxy.restore()
    // Without a bound on the attempt, amqplib's recovery waits on it forever and never retries.
    expect(await waitFor(() => broker.isConnected(), Boolean, 5000)).toBe(true)
  }, 10_000)

  it('drops a connection whose frames stop reaching the broker, and makes a new one', async () => {
    const broker = await connect('send-path-stalled', { probeIntervalMs: 200 })
    expect(await waitFor(() => broker.isConnected(), Boolean, 5000)).toBe(true)
    const first = broker.model()
    const queue = 'recovery.after-stall'
    await broker.addSetup(async (model) => {
      const channel = await model.createChannel()
      await channel.assertQueue(queue, { durable: false })
      await channel.close()
    })
    // The broker's heartbeats still arrive, so amqplib sees nothing wrong; the broker itself would
    // only give up on us after two missed heartbeats (20 s). The round trip notices in under a second.
    proxy.stall('to-server')
    expect(
      await waitFor(
        () => broker.isConnected(),
        (up) => !up,
        3000,
      ),
    ).toBe(false)
    proxy.restore()
    expect(await waitFor(() => broker.isConnected(), Boolean, 8000)).toBe(true)
    expect(broker.model()).not.toBe(first)
    // The setup steps ran again on the new connection, and it carries frames both ways.
    const channel = await broker.model()!.createChannel()
    expect((await channel.checkQueue(queue)).messageCount).toBe(0)
    await channel.close()
  }, 20_000)
})
