import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { withDatabase } from '@careforall/db'
import { startTcpProxy } from '@careforall/db/testing'
import postgres from 'postgres'
import {
  consumeIntoEffects,
  countEffects,
  createMessagingWorld,
  emit,
  type MessagingWorld,
  retry,
  startPaymentRelay,
  unsent,
  waitFor,
} from './support/world'

let world: MessagingWorld

beforeAll(async () => {
  world = await createMessagingWorld()
}, 30_000)
afterAll(async () => {
  await world?.cleanup()
}, 30_000)

describe('the outbox relay', () => {
  it('delivers an outbox row committed while the broker connection is cut once it is back', async () => {
    const consumer = await consumeIntoEffects(world, 'totals-service.cut-test')
    const target = new URL(world.resources.rabbitmqUrl)
    const proxy = startTcpProxy({ hostname: target.hostname, port: Number(target.port || 5672) })
    const broker = await world.connect('relay-behind-proxy', proxy.url(world.resources.rabbitmqUrl))
    const relay = await startPaymentRelay(world, broker)
    try {
      const [before] = await emit(world.producer, 1)
      await waitFor(
        () => countEffects(world.consumer),
        (seen) => seen.total === 1,
      )

      proxy.cut()
      await waitFor(
        () => broker.isConnected(),
        (connected) => !connected,
      )
      const [during] = await emit(world.producer, 1)
      await Bun.sleep(500)
      expect(await unsent(world.producer)).toBe(1)
      expect((await countEffects(world.consumer)).total).toBe(1)

      proxy.restore()
      await waitFor(
        () => countEffects(world.consumer),
        (seen) => seen.total === 2,
      )
      const rows = await world.consumer<
        { eventId: string }[]
      >`select event_id from effects order by applied_at`
      expect(rows.map((row) => row.eventId)).toEqual([before!, during!])
      await waitFor(
        () => unsent(world.producer),
        (count) => count === 0,
      )
    } finally {
      await relay.stop()
      await consumer.stop()
      proxy.close()
    }
  }, 30_000)

  it('loses nothing when the relay is killed mid-batch, and a redelivered event has one effect', async () => {
    const queue = 'totals-service.kill-test'
    const consumer = await consumeIntoEffects(world, queue)
    await world.producer`update outbox set processed_at = now() where processed_at is null`
    await world.consumer`truncate effects`
    const ids = await emit(world.producer, 120)

    const child = Bun.spawn(
      [
        'bun',
        `${import.meta.dir}/support/relay-child.ts`,
        world.resources.databaseUrl('payment'),
        world.resources.rabbitmqUrl,
        'payment',
        '50',
        '1500',
      ],
      { stdout: 'pipe', stderr: 'inherit' },
    )
    const reader = child.stdout.getReader()
    let output = ''
    while (!output.includes('confirmed')) {
      const { value, done } = await reader.read()
      if (done) throw new Error(`relay child ended early: ${output}`)
      output += new TextDecoder().decode(value)
    }
    child.kill('SIGKILL')
    await child.exited

    // Its batch reached the broker but was never marked sent; the rest was never claimed.
    const states = await world.producer<{ attempts: number; count: number }[]>`
      select attempts, count(*)::int as count from outbox where processed_at is null group by attempts order by attempts`
    expect([...states]).toEqual([
      { attempts: 0, count: 70 },
      { attempts: 1, count: 50 },
    ])
    await waitFor(
      () => countEffects(world.consumer),
      (seen) => seen.total === 50,
    )

    const relay = await startPaymentRelay(world, await world.connect('second-relay'), { sweepMs: 200 })
    try {
      // The dead relay's rows come back when their lease ends, and are published a second time.
      await waitFor(
        () => unsent(world.producer),
        (count) => count === 0,
      )
      const republished = await world.producer<{ count: number }[]>`
        select count(*)::int as count from outbox where attempts = 2`
      expect(republished[0]!.count).toBe(50)
      await waitFor(
        () => countEffects(world.consumer),
        (seen) => seen.total >= 120,
      )
      await Bun.sleep(300)
      await consumer.stop()
      const channel = await (await world.connect('inspector')).connection.createChannel()
      expect((await channel.checkQueue(queue)).messageCount).toBe(0)
      expect(await countEffects(world.consumer)).toEqual({ total: 120, distinct: 120 })
      const [inbox] = await world.consumer<{ count: number }[]>`
        select count(*)::int as count from inbox where consumer = ${queue} and event_id in ${world.consumer(ids)}`
      expect(inbox!.count).toBe(120)
    } finally {
      await relay.stop()
    }
  }, 30_000)

  it('listens again after the database drops its connections, and catches up on what it missed', async () => {
    const consumer = await consumeIntoEffects(world, 'totals-service.db-restart-test')
    const relay = await startPaymentRelay(world, await world.connect('db-restart-relay'), { sweepMs: 300 })
    // From another database: one cannot bar connections to the database one is connected to.
    const admin = postgres(withDatabase(world.resources.adminUrl, 'postgres'), {
      max: 1,
      onnotice: () => undefined,
    })
    const database = world.resources.database
    const listeners = async () => {
      const [row] = await admin<{ count: number }[]>`
        select count(*)::int as count from pg_stat_activity
        where datname = ${database} and application_name = 'careforall-payment_outbox-listener'`
      return row!.count
    }
    try {
      await waitFor(listeners, (count) => count === 1)
      const before = (await countEffects(world.consumer)).total
      // Like a restart: every connection of the service dropped, and none accepted for a while,
      // so postgres.js's own attempt to listen again fails.
      await admin.unsafe(`alter database "${database}" allow_connections false`)
      await admin`
        select pg_terminate_backend(pid) from pg_stat_activity
        where datname = ${database} and usename = 'cfa_payment'`
      await Bun.sleep(1000)
      expect(await listeners()).toBe(0)
      await admin.unsafe(`alter database "${database}" allow_connections true`)

      const [id] = await retry(() => emit(world.producer, 1))
      await waitFor(
        () => countEffects(world.consumer),
        (seen) => seen.total === before + 1,
      )
      const [row] = await world.consumer`select 1 from effects where event_id = ${id!}`
      expect(row).toBeDefined()
      await waitFor(listeners, (count) => count === 1)
    } finally {
      await admin.unsafe(`alter database "${database}" allow_connections true`)
      await admin.end()
      await relay.stop()
      await consumer.stop()
    }
  }, 30_000)
})
