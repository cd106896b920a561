import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TestSession } from '@careforall/devkit/testing'
import { type CampaignWorld, eventsOf, newCampaign, send, startCampaigns } from './support/campaign-world'

let w: CampaignWorld
let owner: TestSession

beforeAll(async () => {
  w = await startCampaigns()
  owner = await w.auth.donor('owner')
}, 60_000)
afterAll(async () => {
  await w?.close()
})

async function create(status?: string) {
  const res = await w.app.request(...send('POST', '/api/campaigns', owner, newCampaign()))
  const campaign = (await res.json()) as { id: string }
  const path = {
    DRAFT: [],
    ACTIVE: ['ACTIVE'],
    PAUSED: ['ACTIVE', 'PAUSED'],
    COMPLETED: ['ACTIVE', 'COMPLETED'],
  }[(status ?? 'DRAFT') as 'DRAFT']
  for (const step of path)
    await w.app.request(...send('PATCH', `/api/campaigns/${campaign.id}`, owner, { status: step }))
  return campaign
}

async function count(): Promise<number> {
  const [row] = await w.sql`select count(*)::int as n from campaigns`
  return row!.n
}

describe('validation', () => {
  const later = new Date(Date.now() + 86_400_000).toISOString()
  const earlier = new Date(Date.now() - 86_400_000).toISOString()
  it.each([
    ['an empty title', { title: '   ' }, 'title'],
    ['a title over 200 characters', { title: 'x'.repeat(201) }, 'title'],
    ['a description over 10,000 characters', { description: 'x'.repeat(10_001) }, 'description'],
    ['a zero goal', { goalAmount: 0 }, 'goalAmount'],
    ['a negative goal', { goalAmount: -5 }, 'goalAmount'],
    ['a goal with 3 decimals', { goalAmount: 10.001 }, 'goalAmount'],
    ['a goal given as a string', { goalAmount: '100' }, 'goalAmount'],
    ['an end before the start', { startDate: later, endDate: earlier }, 'endDate'],
    ['a date that is not ISO-8601', { startDate: 'tomorrow' }, 'startDate'],
    ['an unknown field', { ownerId: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f' }, '(root)'],
  ])('refuses %s with a 400 naming the field, and stores nothing', async (_label, overrides, field) => {
    const before = await count()
    const res = await w.app.request(...send('POST', '/api/campaigns', owner, newCampaign(overrides)))
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const body = (await res.json()) as { errors: { path: string }[] }
    expect(body.errors.map((e) => e.path)).toContain(field)
    expect(await count()).toBe(before)
  })

  it('refuses a patch that would put the end before the start', async () => {
    const campaign = await create()
    const res = await w.app.request(
      ...send('PATCH', `/api/campaigns/${campaign.id}`, owner, {
        endDate: new Date(Date.now() - 5 * 86_400_000).toISOString(),
      }),
    )
    expect(res.status).toBe(422)
  })

  it('refuses an empty patch, a bad id and a cursor that is not ours', async () => {
    const campaign = await create()
    expect((await w.app.request(...send('PATCH', `/api/campaigns/${campaign.id}`, owner, {}))).status).toBe(
      400,
    )
    expect((await w.app.request('/api/campaigns/not-a-uuid')).status).toBe(400)
    expect((await w.app.request('/api/campaigns?cursor=garbage')).status).toBe(400)
    expect((await w.app.request('/api/campaigns?limit=1000')).status).toBe(400)
    expect((await w.app.request('/api/campaigns/01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f')).status).toBe(404)
  })
})

describe('illegal moves', () => {
  const illegal: [string, string, string[]][] = [
    ['DRAFT', 'PAUSED', ['ACTIVE']],
    ['DRAFT', 'COMPLETED', ['ACTIVE']],
    ['DRAFT', 'DRAFT', ['ACTIVE']],
    ['ACTIVE', 'DRAFT', ['PAUSED', 'COMPLETED']],
    ['ACTIVE', 'ACTIVE', ['PAUSED', 'COMPLETED']],
    ['PAUSED', 'DRAFT', ['ACTIVE', 'COMPLETED']],
    ['PAUSED', 'PAUSED', ['ACTIVE', 'COMPLETED']],
    ['COMPLETED', 'ACTIVE', []],
    ['COMPLETED', 'PAUSED', []],
    ['COMPLETED', 'DRAFT', []],
  ]
  it.each(illegal)(
    'refuses %s → %s with a 409 naming the allowed moves, changing nothing',
    async (from, to, allowed) => {
      const campaign = await create(from)
      const before = await eventsOf(w.sql, campaign.id)
      const res = await w.app.request(
        ...send('PATCH', `/api/campaigns/${campaign.id}`, owner, { status: to }),
      )
      expect(res.status).toBe(409)
      const body = (await res.json()) as { allowed: string[]; detail: string }
      expect(body.allowed).toEqual(allowed)
      expect(await eventsOf(w.sql, campaign.id)).toEqual(before)
    },
  )

  it('refuses to edit a completed campaign and to delete one that is not a draft', async () => {
    const done = await create('COMPLETED')
    expect(
      (await w.app.request(...send('PATCH', `/api/campaigns/${done.id}`, owner, { title: 'Renamed' })))
        .status,
    ).toBe(409)
    const active = await create('ACTIVE')
    const res = await w.app.request(...send('DELETE', `/api/campaigns/${active.id}`, owner))
    expect(res.status).toBe(409)
    expect((await w.app.request(`/api/campaigns/${active.id}`)).status).toBe(200)
  })
})
