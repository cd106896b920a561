import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TestSession } from '@careforall/devkit/testing'
import { type PledgeWorld, pledgeRequest, startPledges } from './support/pledge-world'

let w: PledgeWorld
let donor: TestSession
let active: string

beforeAll(async () => {
  w = await startPledges()
  donor = await w.auth.donor('donor')
  active = (await w.campaign('ACTIVE')).id
}, 90_000)
afterAll(async () => {
  await w?.close()
})

async function pledgeCount(): Promise<number> {
  const [row] = await w.sql`select count(*)::int as n from pledges`
  return row!.n
}

async function refused(
  body: unknown,
  status: number,
  options: Parameters<typeof pledgeRequest>[1] = { session: donor },
) {
  const before = await pledgeCount()
  const res = await w.app.request(...pledgeRequest(body, options))
  expect(res.status).toBe(status)
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  expect(await pledgeCount()).toBe(before)
  const [events] = await w.sql`select count(*)::int as n from outbox`
  return {
    res,
    body: (await res.json()) as { detail?: string; errors?: { path: string }[] },
    events: events!.n,
  }
}

describe('bad pledges change nothing', () => {
  it.each([
    ['a zero amount', { amount: 0 }],
    ['a negative amount', { amount: -3 }],
    ['an amount with 3 decimals', { amount: 1.005 }],
    ['an amount given as a string', { amount: '5' }],
    ['a campaign id that is not a uuid', { campaignId: 'abc' }],
    ['an unknown field', { tip: 5 }],
    ['a malformed email', { donorEmail: 'not-an-email' }],
    // The payment service and the provider hold at most 64: a longer one could never be charged.
    ['a payment method longer than 64 characters', { paymentMethod: `pm_${'x'.repeat(62)}` }],
  ])('refuses %s with 400', async (_label, overrides) => {
    await refused({ campaignId: active, amount: 5, ...overrides }, 400)
  })

  it('requires an Idempotency-Key, and a well-formed one', async () => {
    await refused({ campaignId: active, amount: 5 }, 400, { session: donor, key: '' })
    await refused({ campaignId: active, amount: 5 }, 400, { session: donor, key: 'x'.repeat(256) })
  })

  it('asks a guest for their email', async () => {
    const { body } = await refused({ campaignId: active, amount: 5 }, 422, {})
    expect(body.detail).toBe('A guest pledge needs donorEmail')
  })

  it('refuses a campaign that does not exist', async () => {
    await refused({ campaignId: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f', amount: 5 }, 422)
  })

  it.each(['DRAFT', 'PAUSED'] as const)('refuses a %s campaign with 409', async (status) => {
    const { id } = await w.campaign(status)
    const { body } = await refused({ campaignId: id, amount: 5 }, 409)
    expect(body.detail).toContain(status)
  })

  it('refuses the same key with a different body with 422', async () => {
    const key = `mismatch-${Date.now()}`
    expect(
      (await w.app.request(...pledgeRequest({ campaignId: active, amount: 5 }, { session: donor, key })))
        .status,
    ).toBe(201)
    await refused({ campaignId: active, amount: 6 }, 422, { session: donor, key })
  })

  it('replays a refusal for a repeated key instead of trying again', async () => {
    const { id } = await w.campaign('PAUSED')
    const key = `refused-${Date.now()}`
    const first = await refused({ campaignId: id, amount: 5 }, 409, { session: donor, key })
    const again = await refused({ campaignId: id, amount: 5 }, 409, { session: donor, key })
    expect(again.res.headers.get('idempotent-replayed')).toBe('true')
    expect(again.body).toEqual(first.body)
  })

  it.each([
    ['a from that is not a timestamp', '?from=yesterday', 'from'],
    ['a to without a time', '?to=2026-01-01', 'to'],
  ])('refuses statistics with %s with 400 naming it', async (_label, query, path) => {
    const admin = await w.auth.admin()
    const res = await w.app.request(`/api/pledges/stats${query}`, { headers: admin.headers })
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const body = (await res.json()) as { errors: { path: string }[] }
    expect(body.errors.map((error) => error.path)).toEqual([path])
  })

  it('refuses a stuck filter that is neither true nor false', async () => {
    const admin = await w.auth.admin()
    expect((await w.app.request('/api/pledges?stuck=yes', { headers: admin.headers })).status).toBe(400)
  })

  it('refuses a cursor that is not ours and a page over the maximum', async () => {
    expect((await w.app.request(`/api/pledges?campaignId=${active}&cursor=nope`)).status).toBe(400)
    expect((await w.app.request(`/api/pledges?campaignId=${active}&limit=101`)).status).toBe(400)
    expect((await w.app.request('/api/pledges')).status).toBe(400)
  })
})
