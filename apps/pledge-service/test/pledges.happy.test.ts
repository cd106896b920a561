import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { Exchanges } from '@careforall/contracts'
import type { TestSession } from '@careforall/devkit/testing'
import amqp from 'amqplib'
import { eventually, outboxOf, type PledgeWorld, pledgeRequest, startPledges } from './support/pledge-world'

let w: PledgeWorld
let donor: TestSession
let campaignId: string

beforeAll(async () => {
  w = await startPledges()
  donor = await w.auth.donor('donor')
  campaignId = (await w.campaign('ACTIVE')).id
}, 90_000)
afterAll(async () => {
  await w?.close()
})

interface PledgeBody {
  id: string
  state: string
  amount: number
  refundedAmount: number
  receiptToken?: string
  history: { from: string | null; to: string; causeEventId: string }[]
}

async function pledge(body: Record<string, unknown> = {}, session: TestSession | null = donor) {
  const res = await w.app.request(
    ...pledgeRequest({ campaignId, amount: 25, ...body }, session ? { session } : {}),
  )
  expect(res.status).toBe(201)
  return (await res.json()) as PledgeBody
}

const stateOf = async (id: string) => {
  const [row] = await w.sql`select state, refunded_amount from pledges where id = ${id}`
  return row as { state: string; refundedAmount: string }
}

function paymentData(pledgeId: string, amountCents = 2500, extra: Record<string, unknown> = {}) {
  return {
    paymentId: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f',
    pledgeId,
    campaignId,
    donorKey: `u:${donor.user.id}`,
    amountCents,
    providerTransactionId: `txn_${pledgeId.slice(-6)}`,
    ...extra,
  }
}

describe('pledging', () => {
  it('creates a PENDING pledge for a signed-in donor and emits pledge.created', async () => {
    const created = await pledge({ amount: 25.5 })
    expect(created).toMatchObject({ state: 'PENDING', amount: 25.5, refundedAmount: 0 })
    expect(created.history).toEqual([expect.objectContaining({ from: null, to: 'PENDING' })])
    expect(created.receiptToken).toBeUndefined()
    const events = await outboxOf(w.sql, created.id)
    expect(events).toEqual([
      {
        type: 'pledge.created',
        data: expect.objectContaining({
          pledgeId: created.id,
          campaignId,
          userId: donor.user.id,
          donorKey: `u:${donor.user.id}`,
          amountCents: 2550,
          currency: 'USD',
          paymentMethod: 'pm_ok',
          anonymous: false,
        }),
      },
    ])
  })

  it('lets a guest pledge and follow it with a receipt token, without an account', async () => {
    const created = await pledge({ donorEmail: 'guest@example.com', donorName: 'Grace' }, null)
    expect(created.receiptToken).toBeTruthy()
    const [event] = await outboxOf(w.sql, created.id)
    expect(event?.data.userId).toBeNull()
    expect(String(event?.data.donorKey)).toMatch(/^g:[0-9a-f]{64}$/)
    expect(JSON.stringify(event)).not.toContain('guest@example.com')
    const followed = await w.app.request(`/api/pledges/${created.id}?receiptToken=${created.receiptToken}`)
    expect(followed.status).toBe(200)
    expect(((await followed.json()) as PledgeBody).state).toBe('PENDING')
  })

  it('replays a retried POST with the same key: one pledge, one event', async () => {
    const key = `retry-${Date.now()}`
    const first = await w.app.request(...pledgeRequest({ campaignId, amount: 10 }, { session: donor, key }))
    const firstText = await first.text()
    const again = await w.app.request(...pledgeRequest({ campaignId, amount: 10 }, { session: donor, key }))
    expect(again.status).toBe(201)
    expect(again.headers.get('idempotent-replayed')).toBe('true')
    expect(await again.text()).toBe(firstText)
    const { id } = JSON.parse(firstText) as { id: string }
    expect((await outboxOf(w.sql, id)).length).toBe(1)
  })

  it('makes one pledge of 50 concurrent POSTs with one key; the rest replay or get 409', async () => {
    const key = `storm-${Date.now()}`
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        w.app.request(...pledgeRequest({ campaignId, amount: 7 }, { session: donor, key })),
      ),
    )
    const unexpected = await Promise.all(
      responses
        .filter((r) => r.status !== 201 && r.status !== 409)
        .map(async (r) => `${r.status} ${await r.clone().text()}`),
    )
    expect(unexpected).toEqual([])
    const ids = new Set(
      await Promise.all(
        responses.filter((r) => r.status === 201).map(async (r) => ((await r.json()) as { id: string }).id),
      ),
    )
    expect(ids.size).toBe(1)
    const [count] = await w.sql`select count(*)::int as n from pledges where amount = 7`
    expect(count?.n).toBe(1)
    const created =
      await w.sql`select count(*)::int as n from outbox where type = 'pledge.created' and payload->'data'->>'amountCents' = '700'`
    expect(created[0]?.n ?? 0).toBeLessThanOrEqual(1)
  })
})

describe('following the payment', () => {
  it('moves through AUTHORIZED and CAPTURED, storing each cause and emitting pledge.state_changed', async () => {
    const created = await pledge()
    const authorized = await w.paymentEvent('payment.authorized', paymentData(created.id))
    await eventually(
      () => stateOf(created.id),
      (p) => p.state === 'AUTHORIZED',
    )
    const captured = await w.paymentEvent('payment.captured', paymentData(created.id))
    await eventually(
      () => stateOf(created.id),
      (p) => p.state === 'CAPTURED',
    )
    const body = (await (
      await w.app.request(`/api/pledges/${created.id}`, { headers: donor.headers })
    ).json()) as PledgeBody
    expect(body.history.map((h) => [h.from, h.to, h.causeEventId])).toEqual([
      [null, 'PENDING', expect.stringMatching(/^request:/)],
      ['PENDING', 'AUTHORIZED', authorized],
      ['AUTHORIZED', 'CAPTURED', captured],
    ])
    const changes = (await outboxOf(w.sql, created.id)).filter((e) => e.type === 'pledge.state_changed')
    expect(changes.map((e) => [e.data.from, e.data.to, e.data.causeEventId])).toEqual([
      ['PENDING', 'AUTHORIZED', authorized],
      ['AUTHORIZED', 'CAPTURED', captured],
    ])
  })

  it('records both steps when captured arrives before authorized, and ignores the late authorized', async () => {
    const created = await pledge()
    const captured = await w.paymentEvent('payment.captured', paymentData(created.id))
    await eventually(
      () => stateOf(created.id),
      (p) => p.state === 'CAPTURED',
    )
    await w.paymentEvent('payment.authorized', paymentData(created.id))
    await w.paymentEvent('payment.captured', paymentData(created.id), captured) // the same event again
    await Bun.sleep(300)
    const body = (await (
      await w.app.request(`/api/pledges/${created.id}`, { headers: donor.headers })
    ).json()) as PledgeBody
    expect(body.state).toBe('CAPTURED')
    expect(body.history.map((h) => h.to)).toEqual(['PENDING', 'AUTHORIZED', 'CAPTURED'])
    expect(body.history.slice(1).every((h) => h.causeEventId === captured)).toBe(true)
  })

  it('fails a declined pledge and never revives it', async () => {
    const created = await pledge()
    await w.paymentEvent('payment.failed', paymentData(created.id, 2500, { reason: 'card_declined' }))
    await eventually(
      () => stateOf(created.id),
      (p) => p.state === 'FAILED',
    )
    await w.paymentEvent('payment.captured', paymentData(created.id))
    await Bun.sleep(300)
    expect((await stateOf(created.id)).state).toBe('FAILED')
  })

  it('counts partial refunds once each and becomes REFUNDED at the full amount', async () => {
    const created = await pledge({ amount: 20 })
    await w.paymentEvent('payment.captured', paymentData(created.id, 2000))
    await eventually(
      () => stateOf(created.id),
      (p) => p.state === 'CAPTURED',
    )
    const refundA = '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d0001'
    await w.paymentEvent('payment.refunded', paymentData(created.id, 500, { refundId: refundA }))
    await w.paymentEvent('payment.refunded', paymentData(created.id, 500, { refundId: refundA })) // same refund, new event id
    await eventually(
      () => stateOf(created.id),
      (p) => p.refundedAmount === '5.00',
    )
    await Bun.sleep(200)
    expect(await stateOf(created.id)).toEqual({ state: 'CAPTURED', refundedAmount: '5.00' })
    await w.paymentEvent(
      'payment.refunded',
      paymentData(created.id, 1500, { refundId: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d0002' }),
    )
    expect(
      await eventually(
        () => stateOf(created.id),
        (p) => p.state === 'REFUNDED',
      ),
    ).toEqual({ state: 'REFUNDED', refundedAmount: '20.00' })
  })
})

describe('donation lists', () => {
  it("shows a campaign's captured donations to anyone, masking anonymous donors", async () => {
    const own = await w.campaign('ACTIVE')
    const named = await w.app.request(
      ...pledgeRequest({ campaignId: own.id, amount: 11, donorEmail: 'a@example.com', donorName: 'Ada' }),
    )
    const hidden = await w.app.request(
      ...pledgeRequest({
        campaignId: own.id,
        amount: 12,
        donorEmail: 'b@example.com',
        donorName: 'Bob',
        anonymous: true,
      }),
    )
    const pending = await w.app.request(
      ...pledgeRequest({ campaignId: own.id, amount: 13, donorEmail: 'c@example.com' }),
    )
    for (const res of [named, hidden]) {
      const { id } = (await res.json()) as { id: string }
      await w.paymentEvent('payment.captured', { ...paymentData(id, 100), campaignId: own.id })
      await eventually(
        () => stateOf(id),
        (p) => p.state === 'CAPTURED',
      )
    }
    expect(pending.status).toBe(201)
    const list = (await (await w.app.request(`/api/pledges?campaignId=${own.id}`)).json()) as {
      items: Record<string, unknown>[]
    }
    expect(list.items.map((i) => [i.amount, i.donorName]).sort()).toEqual([
      [11, 'Ada'],
      [12, 'Anonymous'],
    ])
    expect(JSON.stringify(list)).not.toContain('@example.com')
    expect(JSON.stringify(list)).not.toContain('Bob')
  })

  it('lists my own pledges with mine=true, and lets an admin filter by state and date', async () => {
    const me = await w.auth.donor('lister')
    const created = await pledge({ amount: 3 }, me)
    const mine = (await (await w.app.request('/api/pledges?mine=true', { headers: me.headers })).json()) as {
      items: { id: string }[]
    }
    expect(mine.items.map((p) => p.id)).toEqual([created.id])
    const admin = await w.auth.admin()
    const from = new Date(Date.now() - 60_000).toISOString()
    const filtered = (await (
      await w.app.request(`/api/pledges?state=PENDING&from=${from}&limit=100`, { headers: admin.headers })
    ).json()) as {
      items: { id: string; state: string }[]
    }
    expect(filtered.items.map((p) => p.id)).toContain(created.id)
    expect(filtered.items.every((p) => p.state === 'PENDING')).toBe(true)
  })
})

describe('readiness', () => {
  it('reports a payment event parked in its dead-letter queue in /ready', async () => {
    const dlq = 'pledge-service.payment-events.dlq'
    const ready = async () =>
      (await (await w.app.request('/ready')).json()) as {
        status: string
        checks: unknown
        dlq?: Record<string, number>
      }
    expect((await ready()).dlq).toEqual({ [dlq]: 0 })
    // Not a CloudEvent: it fails every attempt (100 ms, then 200 ms apart here) and is parked.
    const connection = await amqp.connect(w.world.rabbitmqUrl)
    try {
      const channel = await connection.createConfirmChannel()
      channel.publish(Exchanges.payment, 'payment.captured', Buffer.from('{"not":"an event"}'), {
        messageId: crypto.randomUUID(),
        persistent: true,
      })
      await channel.waitForConfirms()
    } finally {
      await connection.close()
    }
    const parked = await eventually(ready, (body) => body.dlq?.[dlq] === 1)
    expect(parked).toEqual({
      status: 'ready',
      checks: { postgres: 'up', rabbitmq: 'up', redis: 'up' },
      dlq: { [dlq]: 1 },
    })
  })
})
