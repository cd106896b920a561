import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TestSession } from '@careforall/devkit/testing'
import { type PledgeWorld, pledgeRequest, startPledges } from './support/pledge-world'

let w: PledgeWorld
let donor: TestSession
let stranger: TestSession
let admin: TestSession
let mine: { id: string }
let guests: { id: string; receiptToken: string }

beforeAll(async () => {
  w = await startPledges()
  ;[donor, stranger, admin] = await Promise.all([
    w.auth.donor('donor'),
    w.auth.donor('stranger'),
    w.auth.admin(),
  ])
  const { id: campaignId } = await w.campaign('ACTIVE')
  mine = (await (
    await w.app.request(...pledgeRequest({ campaignId, amount: 5 }, { session: donor }))
  ).json()) as { id: string }
  const guestRes = await w.app.request(
    ...pledgeRequest({ campaignId, amount: 5, donorEmail: 'g@example.com' }),
  )
  guests = (await guestRes.json()) as { id: string; receiptToken: string }
}, 90_000)
afterAll(async () => {
  await w?.close()
})

describe('who may read a pledge', () => {
  it('shows a pledge to its donor and to admins', async () => {
    expect((await w.app.request(`/api/pledges/${mine.id}`, { headers: donor.headers })).status).toBe(200)
    expect((await w.app.request(`/api/pledges/${mine.id}`, { headers: admin.headers })).status).toBe(200)
  })

  it('answers another donor and an anonymous reader as if the pledge did not exist', async () => {
    expect((await w.app.request(`/api/pledges/${mine.id}`, { headers: stranger.headers })).status).toBe(404)
    expect((await w.app.request(`/api/pledges/${mine.id}`)).status).toBe(404)
  })

  it("accepts a guest's receipt token for that pledge only", async () => {
    expect(
      (await w.app.request(`/api/pledges/${guests.id}?receiptToken=${guests.receiptToken}`)).status,
    ).toBe(200)
    expect(
      (await w.app.request(`/api/pledges/${guests.id}?receiptToken=${guests.receiptToken.slice(0, -2)}xx`))
        .status,
    ).toBe(404)
    expect((await w.app.request(`/api/pledges/${mine.id}?receiptToken=${guests.receiptToken}`)).status).toBe(
      404,
    )
  })
})

describe('lists', () => {
  it('keeps admin filters for admins', async () => {
    expect((await w.app.request('/api/pledges?state=PENDING', { headers: donor.headers })).status).toBe(403)
    expect((await w.app.request('/api/pledges?state=PENDING')).status).toBe(401)
    expect((await w.app.request('/api/pledges?state=PENDING', { headers: admin.headers })).status).toBe(200)
  })

  it('keeps the stuck filter for admins, like the state filter', async () => {
    expect((await w.app.request('/api/pledges?stuck=true', { headers: donor.headers })).status).toBe(403)
    expect((await w.app.request(`/api/pledges?stuck=true&campaignId=${mine.id}`)).status).toBe(401)
    expect((await w.app.request('/api/pledges?stuck=true', { headers: admin.headers })).status).toBe(200)
  })

  it('shows the pledge statistics to admins only', async () => {
    const anonymous = await w.app.request('/api/pledges/stats')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('content-type')).toBe('application/problem+json')
    expect((await w.app.request('/api/pledges/stats', { headers: donor.headers })).status).toBe(403)
    expect((await w.app.request('/api/pledges/stats', { headers: admin.headers })).status).toBe(200)
  })

  it('documents the statistics as admin-only and the stuck filter beside the others', async () => {
    const doc = (await (await w.app.request('/openapi.json')).json()) as {
      paths: Record<string, { get: { security?: unknown; parameters: { name: string }[] } }>
    }
    expect(doc.paths['/api/pledges/stats']?.get.security).toEqual([{ bearerAuth: ['admin'] }])
    expect(doc.paths['/api/pledges']?.get.parameters.map((p) => p.name)).toContain('stuck')
  })

  it('needs a signed-in caller for mine=true', async () => {
    expect((await w.app.request('/api/pledges?mine=true')).status).toBe(401)
  })

  it('refuses a forged token instead of treating the caller as a guest', async () => {
    const res = await w.app.request(
      ...pledgeRequest(
        { campaignId: mine.id, amount: 5 },
        { session: { ...donor, headers: { authorization: 'Bearer forged.token.here' } } },
      ),
    )
    expect(res.status).toBe(401)
  })

  it('never lets a guest pledge claim a user id', async () => {
    const [row] = await w.sql`select user_id, donor_email from pledges where id = ${guests.id}`
    expect(row).toEqual({ userId: null, donorEmail: 'g@example.com' })
  })
})
