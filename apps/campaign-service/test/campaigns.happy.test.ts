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

async function create(overrides: Record<string, unknown> = {}, who = owner) {
  const res = await w.app.request(...send('POST', '/api/campaigns', who, newCampaign(overrides)))
  expect(res.status).toBe(201)
  return (await res.json()) as {
    id: string
    status: string
    ownerId: string
    version: number
    goalAmount: number
  }
}

async function patch(id: string, body: unknown, who = owner) {
  return w.app.request(...send('PATCH', `/api/campaigns/${id}`, who, body))
}

describe('creating and reading', () => {
  it('creates a DRAFT owned by the caller and emits campaign.created with its payload', async () => {
    const campaign = await create({ goalAmount: 1234.5 })
    expect(campaign).toMatchObject({
      status: 'DRAFT',
      ownerId: owner.user.id,
      version: 1,
      goalAmount: 1234.5,
    })
    const events = await eventsOf(w.sql, campaign.id)
    expect(events).toEqual([
      {
        type: 'campaign.created',
        data: expect.objectContaining({
          campaignId: campaign.id,
          ownerId: owner.user.id,
          status: 'DRAFT',
          goalCents: 123450,
          version: 1,
        }),
      },
    ])
  })

  it('shows a draft to its owner, with currentAmount null while totals is unreachable', async () => {
    const campaign = await create()
    const res = await w.app.request(...send('GET', `/api/campaigns/${campaign.id}`, owner))
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: campaign.id, status: 'DRAFT', currentAmount: null })
  })
})

describe('lifecycle', () => {
  it('goes DRAFT → ACTIVE → PAUSED → ACTIVE → COMPLETED, emitting updated, then only completed', async () => {
    const campaign = await create()
    for (const status of ['ACTIVE', 'PAUSED', 'ACTIVE', 'COMPLETED']) {
      const res = await patch(campaign.id, { status })
      expect(res.status).toBe(200)
      expect(((await res.json()) as { status: string }).status).toBe(status)
    }
    const events = await eventsOf(w.sql, campaign.id)
    expect(events.map((e) => [e.type, e.data.status, e.data.version])).toEqual([
      ['campaign.created', 'DRAFT', 1],
      ['campaign.updated', 'ACTIVE', 2],
      ['campaign.updated', 'PAUSED', 3],
      ['campaign.updated', 'ACTIVE', 4],
      ['campaign.completed', 'COMPLETED', 5],
    ])
  })

  it('edits fields and emits exactly one campaign.updated', async () => {
    const campaign = await create()
    const res = await patch(campaign.id, { title: 'Clean water for Rangpur, phase 2', goalAmount: 30000.25 })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({
      title: 'Clean water for Rangpur, phase 2',
      goalAmount: 30000.25,
      version: 2,
    })
    const events = await eventsOf(w.sql, campaign.id)
    expect(events.map((e) => e.type)).toEqual(['campaign.created', 'campaign.updated'])
    expect(events[1]!.data.goalCents).toBe(3000025)
  })

  it('deletes a draft and emits nothing more', async () => {
    const campaign = await create()
    expect((await w.app.request(...send('DELETE', `/api/campaigns/${campaign.id}`, owner))).status).toBe(204)
    expect((await w.app.request(...send('GET', `/api/campaigns/${campaign.id}`, owner))).status).toBe(404)
    expect((await eventsOf(w.sql, campaign.id)).map((e) => e.type)).toEqual(['campaign.created'])
  })

  it('completes campaigns whose end date has passed, once, with campaign.completed', async () => {
    const ended = await create({
      startDate: new Date(Date.now() - 10_000).toISOString(),
      endDate: new Date(Date.now() + 500).toISOString(),
    })
    await patch(ended.id, { status: 'ACTIVE' })
    await Bun.sleep(600)
    const [first, second] = await Promise.all([w.completeEnded(), w.completeEnded()])
    expect((first ?? 0) + (second ?? 0)).toBeGreaterThanOrEqual(1)
    const res = await w.app.request(`/api/campaigns/${ended.id}`)
    expect(((await res.json()) as { status: string }).status).toBe('COMPLETED')
    const completions = (await eventsOf(w.sql, ended.id)).filter((e) => e.type === 'campaign.completed')
    expect(completions).toHaveLength(1)
  })
})

describe('listing and search', () => {
  it('lists public campaigns for everyone and drafts only for their owner', async () => {
    const draft = await create({ title: 'A private draft' })
    const live = await create({ title: 'A live campaign' })
    await patch(live.id, { status: 'ACTIVE' })
    const anonymous = (await (await w.app.request('/api/campaigns?limit=100')).json()) as {
      items: { id: string }[]
    }
    expect(anonymous.items.map((c) => c.id)).toContain(live.id)
    expect(anonymous.items.map((c) => c.id)).not.toContain(draft.id)
    const mine = (await (
      await w.app.request(...send('GET', `/api/campaigns?ownerId=${owner.user.id}&limit=100`, owner))
    ).json()) as {
      items: { id: string }[]
    }
    expect(mine.items.map((c) => c.id)).toEqual(expect.arrayContaining([draft.id, live.id]))
  })

  it('finds campaigns by words of their title or description', async () => {
    const owls = await create({
      title: 'Night shelters',
      description: 'Warm beds for owls and other birds of prey',
    })
    await patch(owls.id, { status: 'ACTIVE' })
    for (const q of ['owl', 'shelter', 'warm beds', 'birds prey']) {
      const found = (await (await w.app.request(`/api/campaigns?q=${encodeURIComponent(q)}`)).json()) as {
        items: { id: string }[]
      }
      expect(found.items.map((c) => c.id)).toEqual([owls.id])
    }
    const none = (await (await w.app.request('/api/campaigns?q=submarine')).json()) as { items: unknown[] }
    expect(none.items).toEqual([])
  })

  it('returns every campaign exactly once across pages while new ones are inserted', async () => {
    const pager = await w.auth.donor('pager')
    const ids: string[] = []
    for (let i = 0; i < 7; i++) ids.push((await create({ title: `Paged ${i}` }, pager)).id)
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const url: string = `/api/campaigns?ownerId=${pager.user.id}&limit=3${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await (await w.app.request(...send('GET', url, pager))).json()) as {
        items: { id: string }[]
        nextCursor: string | null
      }
      seen.push(...page.items.map((c) => c.id))
      cursor = page.nextCursor
      await create({ title: 'Inserted while paging' }, pager)
    } while (cursor)
    expect(seen).toEqual([...ids].reverse())
  })
})

describe('the internal route', () => {
  it('answers the pledge service with the internal secret', async () => {
    const campaign = await create()
    const res = await w.app.request(`/internal/campaigns/${campaign.id}`, {
      headers: { 'x-internal-secret': 'dev-internal-secret-change-me' },
    })
    expect(res.status).toBe(200)
    expect(await res.json()).toMatchObject({ id: campaign.id, status: 'DRAFT' })
  })
})
