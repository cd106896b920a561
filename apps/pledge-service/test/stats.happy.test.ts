import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { PledgeState } from '@careforall/contracts'
import type { TestSession } from '@careforall/devkit/testing'
import { type PledgeWorld, startPledges } from './support/pledge-world'

let w: PledgeWorld
let admin: TestSession

/** Every pledge of this file is written here, straight into the table: the figures are exact. */
async function seed(state: PledgeState, amount: string, createdAt: string, idleSeconds = 0): Promise<string> {
  const id = Bun.randomUUIDv7()
  await w.sql`
    insert into pledges (id, campaign_id, campaign_owner_id, donor_email, donor_key, amount, payment_method, state,
                         created_at, updated_at)
    values (${id}, ${crypto.randomUUID()}, ${crypto.randomUUID()}, 'seed@example.com', 'g:seed', ${amount}, 'pm_ok',
            ${state}, ${createdAt}::timestamptz, now() - make_interval(secs => ${idleSeconds}))`
  return id
}

const FROM = '2020-03-01T00:00:00.000Z'
const TO = '2020-04-01T00:00:00.000Z'
/** The stuck pledges, newest first. */
let stuck: { inWindow: string[]; later: string }

beforeAll(async () => {
  w = await startPledges()
  admin = await w.auth.admin()
  // In [FROM, TO): the default limit is 300 s, so 301 s idle is stuck and 299 s is not.
  await seed('PENDING', '5.00', FROM, 299)
  const pending = await seed('PENDING', '10.10', '2020-03-05T00:00:00Z', 301)
  const authorized = await seed('AUTHORIZED', '20.25', '2020-03-10T00:00:00Z', 3600)
  await seed('CAPTURED', '100.00', '2020-03-11T00:00:00Z', 3600) // settled: never stuck
  await seed('CAPTURED', '0.05', '2020-03-12T00:00:00Z')
  await seed('FAILED', '1.00', '2020-03-13T00:00:00Z', 3600)
  // Outside it: `to` is excluded, like the list's filter.
  await seed('PENDING', '7.00', TO)
  await seed('CAPTURED', '9.00', '2020-02-29T23:59:59.999Z')
  const later = await seed('AUTHORIZED', '3.00', '2021-01-01T00:00:00Z', 1000)
  stuck = { inWindow: [authorized, pending], later }
}, 90_000)
afterAll(async () => {
  await w?.close()
})

const get = async (path: string) => {
  const res = await w.app.request(path, { headers: admin.headers })
  expect(res.status).toBe(200)
  return res.json() as Promise<Record<string, unknown>>
}

describe('GET /api/pledges/stats', () => {
  it('counts and sums the pledges created in [from, to) by state, every state present, and the stuck ones', async () => {
    expect(await get(`/api/pledges/stats?from=${FROM}&to=${TO}`)).toEqual({
      from: FROM,
      to: TO,
      byState: {
        PENDING: { count: 2, amount: 15.1 },
        AUTHORIZED: { count: 1, amount: 20.25 },
        CAPTURED: { count: 2, amount: 100.05 },
        REFUNDED: { count: 0, amount: 0 },
        FAILED: { count: 1, amount: 1 },
      },
      stuck: 2,
      stuckAfterSeconds: 300,
    })
  })

  it('covers all time without from and to, and leaves either end open when only one is given', async () => {
    expect(await get('/api/pledges/stats')).toEqual({
      from: null,
      to: null,
      byState: {
        PENDING: { count: 3, amount: 22.1 },
        AUTHORIZED: { count: 2, amount: 23.25 },
        CAPTURED: { count: 3, amount: 109.05 },
        REFUNDED: { count: 0, amount: 0 },
        FAILED: { count: 1, amount: 1 },
      },
      stuck: 3,
      stuckAfterSeconds: 300,
    })
    expect(await get(`/api/pledges/stats?from=${TO}`)).toMatchObject({
      from: TO,
      to: null,
      byState: { PENDING: { count: 1, amount: 7 }, AUTHORIZED: { count: 1, amount: 3 } },
      stuck: 1,
    })
  })

  it('is a route of its own, not a pledge id', async () => {
    const res = await w.app.request('/api/pledges/stats')
    expect(res.status).toBe(401) // an id would be a 400 (not a uuid), and public
  })
})

describe('GET /api/pledges?stuck=true', () => {
  it('lists the stuck pledges newest first, with keyset pages', async () => {
    const first = (await get('/api/pledges?stuck=true&limit=2')) as {
      items: { id: string; state: string }[]
      nextCursor: string | null
    }
    expect(first.items.map((p) => p.id)).toEqual([stuck.later, stuck.inWindow[0]!])
    expect(first.nextCursor).toBeString()
    const second = (await get(`/api/pledges?stuck=true&limit=2&cursor=${first.nextCursor}`)) as typeof first
    expect(second.items.map((p) => p.id)).toEqual([stuck.inWindow[1]!])
    expect(second.nextCursor).toBeNull()
  })

  it('combines with the other admin filters', async () => {
    const ids = async (query: string) =>
      ((await get(`/api/pledges?stuck=true&${query}`)) as { items: { id: string }[] }).items.map((p) => p.id)
    expect(await ids(`from=${FROM}&to=${TO}`)).toEqual(stuck.inWindow)
    expect(await ids('state=AUTHORIZED')).toEqual([stuck.later, stuck.inWindow[0]!])
    expect(await ids('state=CAPTURED')).toEqual([])
  })

  it('takes a pledge off the list once it moves on', async () => {
    const [, pending] = stuck.inWindow
    await w.sql`update pledges set updated_at = now() where id = ${pending!}`
    const list = (await get(`/api/pledges?stuck=true&from=${FROM}&to=${TO}`)) as { items: { id: string }[] }
    expect(list.items.map((p) => p.id)).toEqual([stuck.inWindow[0]!])
    expect(await get(`/api/pledges/stats?from=${FROM}&to=${TO}`)).toMatchObject({ stuck: 1 })
  })
})
