import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createEvent, Events, Exchanges } from '@careforall/contracts'
import { createDb, type Sql } from '@careforall/db'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { freePort, startTestAuth, worldEnv } from '@careforall/devkit/testing'
import { createLogger } from '@careforall/logger'
import { type Broker, connectBroker, declareExchanges } from '@careforall/messaging'
import { PLEDGE_QUEUE } from '../src/events/pledge-created'
import { type Child, startChild } from './support/child'
import { waitFor } from './support/helpers'
import { INTERNAL } from './support/payment-world'

let world: TestResources
let broker: Broker
let db: Sql
let port: number
let url: string
const children: Child[] = []

beforeAll(async () => {
  world = await createTestResources()
  broker = await connectBroker({
    url: world.rabbitmqUrl,
    logger: createLogger({ serviceName: 't', level: 'silent' }),
    name: 't',
  })
  await broker.connection.waitForConnect()
  db = createDb({ url: world.adminUrl, schema: 'payment', max: 2 })
  port = freePort()
  url = `http://127.0.0.1:${port}`
}, 60_000)
afterAll(async () => {
  for (const child of children) await child.stop()
  await broker?.close()
  await db?.end({ timeout: 2 })
  await world?.cleanup()
}, 30_000)

function start(faultPoint?: string, env: Record<string, string> = {}): Child {
  const child = startChild({
    ...worldEnv(world, 'payment'),
    ...env,
    PORT: String(port),
    SANDBOX_API_URL: url,
    SANDBOX_WEBHOOK_URL: `${url}/api/payments/webhooks/sandbox`,
    RECOVERY_LEASE_MS: '1000',
    RECOVERY_SWEEP_INTERVAL_MS: '100',
    WEBHOOK_APPLY_INTERVAL_MS: '100',
    PROVIDER_RETRY_BASE_MS: '50',
    SANDBOX_POLL_MS: '50',
    SANDBOX_RETRY_BASE_MS: '50',
    SANDBOX_RETRY_MAX_MS: '300',
    ...(faultPoint ? { FAULT_POINT: faultPoint } : {}),
  })
  children.push(child)
  return child
}

async function publishPledge(pledgeId: string, amountCents: number) {
  // A failed checkQueue closes its channel, so each look uses a fresh one.
  await waitFor(
    async () => {
      const probe = await broker.connection.createChannel()
      const found = await probe.checkQueue(PLEDGE_QUEUE).then(
        () => true,
        () => false,
      )
      await probe.close().catch(() => undefined)
      return found
    },
    (found) => found,
  )
  const channel = await broker.connection.createChannel()
  await declareExchanges(channel)
  const event = createEvent({
    id: Bun.randomUUIDv7(),
    source: 'pledge-service',
    type: Events.PledgeCreated,
    data: {
      pledgeId,
      campaignId: Bun.randomUUIDv7(),
      campaignOwnerId: Bun.randomUUIDv7(),
      userId: null,
      donorKey: 'g:recovery',
      amountCents,
      currency: 'USD',
      paymentMethod: 'pm_ok',
      anonymous: false,
    },
  })
  channel.publish(Exchanges.pledge, Events.PledgeCreated, Buffer.from(JSON.stringify(event)), {
    messageId: event.id,
    persistent: true,
  })
  await channel.close()
}

/** The sandbox's ledger rows for a pledge, read straight from its schema (the service may be dead). */
const ledgerRows = (pledgeId: string) =>
  db<{ kind: string; idempotencyKey: string; status: string }[]>`
    select kind, idempotency_key, status from sandbox.operations where reference = ${pledgeId} order by created_at`
const paymentRow = async (pledgeId: string) =>
  (
    await db<{ id: string; status: string; recoveryPoint: string }[]>`
    select id, status, recovery_point from payment.payments where pledge_id = ${pledgeId}`
  )[0]

describe('a crash between a provider call and its commit', () => {
  it('never charges twice: each restart resumes from the recovery point with the same key', async () => {
    const pledgeId = Bun.randomUUIDv7()

    // 1. Dies right after the provider accepted the authorization, before recording its answer.
    const first = start('after-authorize-call')
    await first.ready(url)
    await publishPledge(pledgeId, 1234)
    expect(await first.exited(15_000)).toBe(137)
    expect(first.output()).toContain('fault point reached')
    expect((await ledgerRows(pledgeId)).map((op) => op.kind)).toEqual(['authorization'])
    expect(await paymentRow(pledgeId)).toMatchObject({ status: 'PENDING', recoveryPoint: 'authorize' })

    // 2. Resumes the authorization (the sandbox dedupes the key), then dies right after the capture call.
    const second = start('after-capture-call')
    expect(await second.exited(15_000)).toBe(137)
    expect(await paymentRow(pledgeId)).toMatchObject({ status: 'AUTHORIZED', recoveryPoint: 'capture' })

    // 3. Resumes the capture, then dies once the captured webhook is stored but not yet applied.
    const third = start('after-webhook-commit')
    expect(await third.exited(15_000)).toBe(137)
    const [stored] = await db<{ type: string; appliedAt: Date | null }[]>`
      select type, applied_at from payment.webhooks order by first_received_at desc limit 1`
    expect(stored).toEqual({ type: 'payment.captured', appliedAt: null })

    // 4. Without a fault: the stored webhook is applied and the payment completes.
    const last = start()
    await last.ready(url)
    await waitFor(
      () => paymentRow(pledgeId),
      (row) => row?.status === 'CAPTURED',
      15_000,
    )
    const ledger = (await (
      await fetch(`${url}/sandbox/v1/ledger?reference=${pledgeId}`, { headers: INTERNAL })
    ).json()) as {
      items: {
        authorizedCents: number
        capturedCents: number
        operations: { object: string; idempotencyKey: string }[]
      }[]
    }
    expect(ledger.items).toHaveLength(1)
    const payment = (await paymentRow(pledgeId))!
    expect(ledger.items[0]).toMatchObject({ authorizedCents: 1234, capturedCents: 1234 })
    expect(ledger.items[0]!.operations.map((op) => [op.object, op.idempotencyKey])).toEqual([
      ['authorization', `authorize:${payment.id}`],
      ['capture', `capture:${payment.id}`],
    ])
    const events = await db<{ type: string }[]>`
      select type from payment.outbox where aggregate_id = ${payment.id} order by created_at`
    expect(events.map((e) => e.type)).toEqual(['payment.authorized', 'payment.captured'])
    expect(await last.stop()).toBe(0)
  }, 90_000)
})

describe('a crash between a refund call and its commit', () => {
  it('refunds once: the restarted service resumes the refund with the same key, and a retried POST replays', async () => {
    const auth = await startTestAuth(world)
    const withAuth = { AUTH_JWKS_URL: auth.jwksUrl }
    try {
      const admin = await auth.admin()
      const pledgeId = Bun.randomUUIDv7()
      const first = start('after-refund-call', withAuth)
      await first.ready(url)
      await publishPledge(pledgeId, 5000)
      await waitFor(
        () => paymentRow(pledgeId),
        (row) => row?.status === 'CAPTURED',
        15_000,
      )
      const { id } = (await paymentRow(pledgeId))!
      const refund = () =>
        fetch(`${url}/api/payments/${id}/refund`, {
          method: 'POST',
          headers: {
            ...admin.headers,
            'content-type': 'application/json',
            'idempotency-key': `refund-${id}`,
          },
          body: JSON.stringify({ amount: 20 }),
        })
      // The provider accepts the refund; the service dies before recording its answer.
      await refund().catch(() => undefined)
      expect(await first.exited(15_000)).toBe(137)
      expect((await ledgerRows(pledgeId)).map((op) => op.kind)).toEqual([
        'authorization',
        'capture',
        'refund',
      ])

      const second = start(undefined, withAuth)
      await second.ready(url)
      await waitFor(
        () => db<{ refundedAmount: string }[]>`select refunded_amount from payment.payments where id = ${id}`,
        (rows) => rows[0]?.refundedAmount === '20.00',
        15_000,
      )
      const retried = await refund()
      expect(retried.status).toBe(202)
      expect(retried.headers.get('idempotent-replayed')).toBe('true')
      const refunds = (await ledgerRows(pledgeId)).filter((op) => op.kind === 'refund')
      expect(refunds).toHaveLength(1)
      const events = await db<{ type: string }[]>`
        select type from payment.outbox where aggregate_id = ${id} order by created_at`
      expect(events.filter((e) => e.type === 'payment.refunded')).toHaveLength(1)
      expect(await second.stop()).toBe(0)
    } finally {
      await auth.stop()
    }
  }, 90_000)
})

describe('a crash between a void call and its commit', () => {
  it('voids an expired hold once: the restarted service resumes the void with the same key', async () => {
    // Manual capture, and holds that expire after about a second.
    const expiring = {
      CAPTURE_MODE: 'manual',
      AUTH_HOLD_DAYS: String(1 / 86_400),
      EXPIRY_SWEEP_INTERVAL_MS: '200',
    }
    const pledgeId = Bun.randomUUIDv7()
    const first = start('after-void-call', expiring)
    await first.ready(url)
    await publishPledge(pledgeId, 3000)
    expect(await first.exited(15_000)).toBe(137)
    expect(first.output()).toContain('fault point reached')
    expect((await ledgerRows(pledgeId)).map((op) => op.kind)).toEqual(['authorization', 'void'])
    expect(await paymentRow(pledgeId)).toMatchObject({ status: 'AUTHORIZED', recoveryPoint: 'void' })

    const second = start(undefined, expiring)
    await second.ready(url)
    await waitFor(
      () => paymentRow(pledgeId),
      (row) => row?.status === 'FAILED',
      15_000,
    )
    expect((await ledgerRows(pledgeId)).map((op) => op.kind)).toEqual(['authorization', 'void'])
    const { id } = (await paymentRow(pledgeId))!
    const events = await db<{ type: string; reason: string | null }[]>`
      select type, payload->'data'->>'reason' as reason from payment.outbox where aggregate_id = ${id} order by created_at`
    expect([...events]).toEqual([
      { type: 'payment.authorized', reason: null },
      { type: 'payment.failed', reason: 'authorization_expired' },
    ])
    expect(await second.stop()).toBe(0)
  }, 90_000)
})
