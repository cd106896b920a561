import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { captured, payment } from './support/events'
import { applied, createTotalsWorld, type Instance, type TotalsWorld } from './support/totals-world'

let world: TotalsWorld
let totals: Instance

beforeAll(async () => {
  world = await createTotalsWorld()
  totals = await world.start()
}, 30_000)
afterAll(async () => {
  await world?.close()
}, 30_000)

interface Totals {
  campaignId: string
  totalAmount: number
  totalPledges: number
  totalDonors: number
  lastUpdated: string | null
}

async function many(ids: string[]): Promise<Totals[]> {
  const res = await totals.app.request(`/api/totals?campaignIds=${ids.join(',')}`)
  expect(res.status).toBe(200)
  return ((await res.json()) as { items: Totals[] }).items
}

const ids = (count: number) => Array.from({ length: count }, () => crypto.randomUUID())

describe('GET /api/totals?campaignIds=', () => {
  it('answers each campaign in the order asked, as the single read does, zeros for one without payments', async () => {
    const [paid, alsoPaid, unpaid] = ids(3) as [string, string, string]
    const events = [
      captured(payment(paid), 4200),
      captured(payment(paid), 58),
      captured(payment(alsoPaid), 1000),
    ]
    await world.publish(events)
    await applied(
      world.sql,
      events.map((event) => event.id),
    )
    const items = await many([alsoPaid, unpaid, paid, alsoPaid])
    expect(items.map((item) => [item.campaignId, item.totalAmount, item.totalPledges])).toEqual([
      [alsoPaid, 10, 1],
      [unpaid, 0, 0],
      [paid, 42.58, 2],
      [alsoPaid, 10, 1],
    ])
    expect(items[1]).toEqual({
      campaignId: unpaid,
      totalAmount: 0,
      totalPledges: 0,
      totalDonors: 0,
      lastUpdated: null,
    })
    for (const id of [paid, alsoPaid]) {
      const single = await (await totals.app.request(`/api/totals/${id}`)).json()
      expect(items.find((item) => item.campaignId === id)).toEqual(single as Totals)
    }
  })

  it('runs no SQL for campaigns in memory and one query for all the others', async () => {
    const cold = ids(100)
    let before = totals.queries()
    await many(cold)
    expect(totals.queries() - before).toBe(1)
    before = totals.queries()
    await Promise.all(Array.from({ length: 20 }, () => many(cold)))
    expect(totals.queries()).toBe(before)
    const mixed = [...cold.slice(0, 50), ...ids(50)]
    before = totals.queries()
    await many(mixed)
    expect(totals.queries() - before).toBe(1)
  })

  it('shares its query with a single read of the same campaign meanwhile', async () => {
    const [one, two] = ids(2) as [string, string]
    const before = totals.queries()
    const [both, single] = await Promise.all([totals.cache.getMany([one, two]), totals.cache.get(one)])
    expect(both.map((snapshot) => snapshot.campaignId)).toEqual([one, two])
    expect(single.campaignId).toBe(one)
    expect(totals.queries() - before).toBe(1)
  })
})

describe('what GET /api/totals refuses', () => {
  it.each([
    ['no campaignIds', ''],
    ['an empty list', '?campaignIds='],
    ['an id that is not a uuid', `?campaignIds=${crypto.randomUUID()},nope`],
    ['a trailing comma', `?campaignIds=${crypto.randomUUID()},`],
    ['more than 100 ids', `?campaignIds=${ids(101).join(',')}`],
  ])('answers 400 problem+json naming campaignIds for %s', async (_label, query) => {
    const res = await totals.app.request(`/api/totals${query}`)
    expect(res.status).toBe(400)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    const body = (await res.json()) as { errors: { path: string }[] }
    expect(body.errors.map((error) => error.path)).toEqual(['campaignIds'])
  })

  it('is documented as public, with its one required parameter', async () => {
    const doc = (await (await totals.app.request('/openapi.json')).json()) as {
      paths: Record<
        string,
        { get: { security?: unknown; parameters: { name: string; required: boolean }[] } }
      >
    }
    const list = doc.paths['/api/totals']?.get
    expect(list?.security).toBeUndefined()
    expect(list?.parameters.map((p) => [p.name, p.required])).toEqual([['campaignIds', true]])
  })

  it('takes exactly 100', async () => {
    expect(await many(ids(100))).toHaveLength(100)
  })
})
