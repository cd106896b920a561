import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import postgres from 'postgres'
import { eventually, PlatformClient, type RunningPlatform, startPlatform } from '../src'

// The money path through the gateway with the sandbox misbehaving like a real provider: every
// webhook delivered 3 times, late and out of order.
const FAST = {
  LOG_LEVEL: 'warn',
  RECOVERY_LEASE_MS: '2000',
  RECOVERY_SWEEP_INTERVAL_MS: '200',
  WEBHOOK_APPLY_INTERVAL_MS: '200',
  PROVIDER_RETRY_BASE_MS: '100',
  SANDBOX_POLL_MS: '50',
  SANDBOX_RETRY_BASE_MS: '100',
  SANDBOX_RETRY_MAX_MS: '500',
  SANDBOX_CHAOS: 'dup=3,delayMs=0..400,reorder=1,seed=7',
}
const INTERNAL = { 'x-internal-secret': 'dev-internal-secret-change-me' }

let world: TestResources
let platform: RunningPlatform
let api: PlatformClient
let sql: postgres.Sql
let owner: { token: string; userId: string }
let admin: string

beforeAll(async () => {
  world = await createTestResources()
  platform = await startPlatform(world, { env: { ...FAST, DEV_SEED: 'false' } })
  api = new PlatformClient(platform.gateway)
  sql = postgres(world.adminUrl, { max: 4, onnotice: () => undefined })
  owner = await api.register('owner')
  admin = await api.login('admin@careforall.dev', 'change-me-admin-password')
}, 180_000)

afterAll(async () => {
  await sql?.end()
  await platform?.stop()
  await world?.cleanup()
}, 60_000)

interface Ledger {
  items: {
    reference: string
    authorizedCents: number
    capturedCents: number
    operations: { object: string }[]
  }[]
  nextCursor: string | null
}

async function ledgerOf(pledgeId: string): Promise<Ledger['items']> {
  const res = await fetch(`${platform.serviceUrl('payment')}/sandbox/v1/ledger?reference=${pledgeId}`, {
    headers: INTERNAL,
  })
  return ((await res.json()) as Ledger).items
}

async function pledgeState(id: string): Promise<string | undefined> {
  const [row] = await sql<{ state: string }[]>`select state from pledge.pledges where id = ${id}`
  return row?.state
}

describe('a donation through the gateway', () => {
  it('goes from pledge to CAPTURED, charged once in the provider ledger', async () => {
    const donor = await api.register('donor')
    const campaignId = await api.activeCampaign(owner.token)
    const created = await api.call<{ id: string; state: string }>('POST', '/api/pledges', {
      token: donor.token,
      headers: { 'idempotency-key': `main-${Date.now()}` },
      body: { campaignId, amount: 25 },
    })
    expect(created.status).toBe(201)
    expect(created.body.state).toBe('PENDING')
    const followed = await eventually(
      () =>
        api.call<{ state: string; history: { to: string }[] }>('GET', `/api/pledges/${created.body.id}`, {
          token: donor.token,
        }),
      (res) => res.body.state === 'CAPTURED',
    )
    expect(followed.body.history.map((h) => h.to)).toEqual(['PENDING', 'AUTHORIZED', 'CAPTURED'])
    const payments = await api.call<{ items: { status: string; amount: number }[] }>(
      'GET',
      `/api/payments?pledgeId=${created.body.id}`,
      {
        token: admin,
      },
    )
    expect(payments.body.items).toEqual([expect.objectContaining({ status: 'CAPTURED', amount: 25 })])
    const ledger = await ledgerOf(created.body.id)
    expect(ledger).toHaveLength(1)
    expect(ledger[0]).toMatchObject({ authorizedCents: 2500, capturedCents: 2500 })
  }, 60_000)

  it('refunds part of a donation an admin refunds: the totals fall by it and the audit log names the admin', async () => {
    const donor = await api.register('refunded')
    const campaignId = await api.activeCampaign(owner.token)
    const created = await api.call<{ id: string }>('POST', '/api/pledges', {
      token: donor.token,
      headers: { 'idempotency-key': `refund-${Date.now()}` },
      body: { campaignId, amount: 40 },
    })
    expect(created.status).toBe(201)
    const totalOf = async () =>
      (await api.call<{ totalAmount: number }>('GET', `/api/totals/${campaignId}`)).body.totalAmount
    await eventually(totalOf, (total) => total === 40)
    const [payment] = (
      await api.call<{ items: { id: string }[] }>('GET', `/api/payments?pledgeId=${created.body.id}`, {
        token: admin,
      })
    ).body.items
    const refund = await api.call('POST', `/api/payments/${payment!.id}/refund`, {
      token: admin,
      headers: { 'idempotency-key': `refund-${payment!.id}` },
      body: { amount: 15 },
    })
    expect(refund.status).toBe(202)
    await eventually(totalOf, (total) => total === 25)
    const me = await api.call<{ id: string }>('GET', '/api/auth/me', { token: admin })
    const audit = await eventually(
      () =>
        api.call<{ items: { actorId: string; action: string; targetId: string }[] }>(
          'GET',
          '/api/auth/audit',
          {
            token: admin,
          },
        ),
      (res) => res.body.items.some((entry) => entry.targetId === payment!.id),
    )
    expect(audit.body.items.filter((entry) => entry.targetId === payment!.id)).toEqual([
      expect.objectContaining({ action: 'payment.refunded', actorId: me.body.id }),
    ])
  }, 60_000)

  it('turns 50 concurrent POSTs with one key into one pledge and one payment', async () => {
    const donor = await api.register('storm')
    const campaignId = await api.activeCampaign(owner.token)
    const key = `storm-${Date.now()}`
    const responses = await Promise.all(
      Array.from({ length: 50 }, () =>
        api.call<{ id: string }>('POST', '/api/pledges', {
          token: donor.token,
          headers: { 'idempotency-key': key },
          body: { campaignId, amount: 9 },
        }),
      ),
    )
    expect(responses.every((r) => r.status === 201 || r.status === 409)).toBe(true)
    const ids = new Set(responses.filter((r) => r.status === 201).map((r) => r.body.id))
    expect(ids.size).toBe(1)
    const [pledgeId] = [...ids]
    expect(
      await eventually(
        () => pledgeState(pledgeId!),
        (s) => s === 'CAPTURED',
      ),
    ).toBe('CAPTURED')
    const [{ n: pledges }] =
      (await sql`select count(*)::int as n from pledge.pledges where campaign_id = ${campaignId}`) as [
        { n: number },
      ]
    const [{ n: payments }] =
      (await sql`select count(*)::int as n from payment.payments where pledge_id = ${pledgeId!}`) as [
        { n: number },
      ]
    expect([pledges, payments]).toEqual([1, 1])
    expect(await ledgerOf(pledgeId!)).toHaveLength(1)
  }, 60_000)
})

describe('failure 1: a provider that retries its webhooks', () => {
  it('charges and counts each of 200 pledges exactly once while every webhook arrives 3 times, late and shuffled', async () => {
    const campaignId = await api.activeCampaign(owner.token)
    const amounts = Array.from({ length: 200 }, (_, i) => 1 + (i % 50))
    const ids: string[] = []
    for (let start = 0; start < amounts.length; start += 20) {
      const batch = await Promise.all(
        amounts.slice(start, start + 20).map((amount, i) =>
          api.call<{ id: string }>('POST', '/api/pledges', {
            headers: { 'idempotency-key': `chaos-${start + i}-${Date.now()}` },
            body: { campaignId, amount, donorEmail: `guest${start + i}@example.com` },
          }),
        ),
      )
      for (const res of batch) {
        expect(res.status).toBe(201)
        ids.push(res.body.id)
      }
    }
    const captured = await eventually(
      async () => {
        const [row] = await sql<{ n: number }[]>`
          select count(*)::int as n from pledge.pledges where campaign_id = ${campaignId} and state = 'CAPTURED'`
        return row!.n
      },
      (n) => n === 200,
      180_000,
      500,
    )
    expect(captured).toBe(200)

    // The provider's ledger is the truth: one authorization and one capture of the right amount per pledge.
    const ledger = await sql<{ reference: string; n: number }[]>`
      select p.pledge_id::text as reference, count(*)::int as n
      from payment.payments p where p.pledge_id in ${sql(ids)} group by p.pledge_id`
    expect(ledger.every((row) => row.n === 1)).toBe(true)
    for (const id of ids.slice(0, 20)) {
      const items = await ledgerOf(id)
      expect(items).toHaveLength(1)
      expect(items[0]!.capturedCents).toBe(items[0]!.authorizedCents)
    }
    const summary = (await (
      await fetch(`${platform.serviceUrl('payment')}/sandbox/v1/ledger/summary`, { headers: INTERNAL })
    ).json()) as {
      duplicateReferences: number
    }
    expect(summary.duplicateReferences).toBe(0)

    // Counted once: one payment.captured per payment, one →CAPTURED step per pledge.
    const events = await sql<{ n: number }[]>`
      select count(*)::int as n from payment.outbox
      where type = 'payment.captured' and aggregate_id in (select id::text from payment.payments where pledge_id in ${sql(ids)})
      group by aggregate_id`
    expect(events).toHaveLength(200)
    expect(events.every((row) => row.n === 1)).toBe(true)
    const steps = await sql<{ n: number }[]>`
      select count(*)::int as n from pledge.pledge_state_history
      where to_state = 'CAPTURED' and pledge_id in ${sql(ids)} group by pledge_id`
    expect(steps).toHaveLength(200)
    expect(steps.every((row) => row.n === 1)).toBe(true)
    const [{ total }] =
      (await sql`select sum(amount)::text as total from pledge.pledges where id in ${sql(ids)}`) as [
        { total: string },
      ]
    const expectedTotal = amounts.reduce((a, b) => a + b, 0)
    expect(Number(total)).toBe(expectedTotal)

    // And the campaign's public total, read through the gateway from the totals read model.
    const totals = await eventually(
      () =>
        api.call<{ totalAmount: number; totalPledges: number; totalDonors: number }>(
          'GET',
          `/api/totals/${campaignId}`,
        ),
      (res) => res.body.totalPledges === 200,
      30_000,
    )
    expect(totals.body).toMatchObject({ totalAmount: expectedTotal, totalPledges: 200, totalDonors: 200 })
  }, 240_000)
})
