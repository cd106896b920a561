import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { type AuthWorld, bearer, PASSWORD, post, startAuth, uniqueEmail } from './support/auth-world'

let w: AuthWorld
let token: string

interface Seeded {
  id: string
  actorId: string
  action: string
  targetId: string
  at: string
}
const seeded: Seeded[] = []

const actors = [crypto.randomUUID(), crypto.randomUUID()]
const targets = [crypto.randomUUID(), crypto.randomUUID(), crypto.randomUUID()]
const actions = ['user.role_changed', 'payment.refunded', 'payment.captured']

beforeAll(async () => {
  w = await startAuth()
  const email = uniqueEmail('auditor')
  await w.ensureAdmin(email, PASSWORD)
  const login = await w.app.request(...post('/api/auth/login', { email, password: PASSWORD }))
  token = ((await login.json()) as { accessToken: string }).accessToken
  // 18 entries a minute apart, with every third pair sharing its time: the keyset must break ties by id.
  for (let index = 0; index < 18; index++) {
    const entry = {
      id: Bun.randomUUIDv7(),
      actorId: actors[index % 2]!,
      action: actions[index % 3]!,
      targetId: targets[index % 3 === 0 ? 0 : (index % 2) + 1]!,
      at: new Date(Date.UTC(2020, 0, 1, 0, index - (index % 3 === 2 ? 1 : 0))).toISOString(),
    }
    seeded.push(entry)
    await w.sql`
      insert into audit_log (id, actor_id, action, target_id, details, at)
      values (${entry.id}, ${entry.actorId}, ${entry.action}, ${entry.targetId}, '{}', ${entry.at}::timestamptz)`
  }
}, 60_000)
afterAll(async () => {
  await w?.close()
})

/** Every entry a query lists, following nextCursor page by page; each page checked for its size. */
async function everyPage(query: string, limit: number): Promise<string[]> {
  const ids: string[] = []
  let cursor: string | null = null
  for (let pages = 0; pages < 50; pages++) {
    const url = `/api/auth/audit?${query}&limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`
    const res = await w.app.request(url, bearer(token))
    expect(res.status).toBe(200)
    const body = (await res.json()) as { items: { id: string }[]; nextCursor: string | null }
    expect(body.items.length).toBeLessThanOrEqual(limit)
    ids.push(...body.items.map((item) => item.id))
    cursor = body.nextCursor
    if (!cursor) return ids
  }
  throw new Error('the cursor never ended')
}

/** What a filter must list: the seeded entries it keeps, newest first, ties by id descending. */
function expected(keep: (entry: Seeded) => boolean): string[] {
  return seeded
    .filter(keep)
    .sort((a, b) => (a.at === b.at ? (a.id < b.id ? 1 : -1) : a.at < b.at ? 1 : -1))
    .map((entry) => entry.id)
}

describe('GET /api/auth/audit filters', () => {
  it.each([
    ['action', 'action=payment.refunded', (e: Seeded) => e.action === 'payment.refunded'],
    ['actorId', `actorId=${actors[1]}`, (e: Seeded) => e.actorId === actors[1]],
    ['targetId', `targetId=${targets[2]}`, (e: Seeded) => e.targetId === targets[2]],
    [
      'from and to, from included and to excluded',
      'from=2020-01-01T00:04:00Z&to=2020-01-01T00:13:00Z',
      (e: Seeded) => e.at >= '2020-01-01T00:04:00.000Z' && e.at < '2020-01-01T00:13:00.000Z',
    ],
    [
      'all of them at once',
      `action=user.role_changed&actorId=${actors[0]}&targetId=${targets[0]}&from=2020-01-01T00:01:00Z`,
      (e: Seeded) =>
        e.action === 'user.role_changed' &&
        e.actorId === actors[0] &&
        e.targetId === targets[0] &&
        e.at >= '2020-01-01T00:01:00.000Z',
    ],
  ])('lists exactly the entries matching %s, each once across pages', async (_label, query, keep) => {
    const want = expected(keep)
    expect(want.length).toBeGreaterThan(1)
    for (const limit of [1, 2, 5, 100]) expect(await everyPage(query, limit)).toEqual(want)
  })

  it('documents every filter, admin-only', async () => {
    const doc = (await (await w.app.request('/openapi.json')).json()) as {
      paths: Record<string, { get: { security?: unknown; parameters: { name: string }[] } }>
    }
    const audit = doc.paths['/api/auth/audit']?.get
    expect(audit?.security).toEqual([{ bearerAuth: ['admin'] }])
    expect(audit?.parameters.map((p) => p.name)).toEqual([
      'limit',
      'cursor',
      'action',
      'actorId',
      'targetId',
      'from',
      'to',
    ])
  })

  it('lists everything without filters, and nothing for an action never recorded', async () => {
    expect(await everyPage('from=2020-01-01T00:00:00Z&to=2020-01-02T00:00:00Z', 4)).toEqual(
      expected(() => true),
    )
    expect(await everyPage('action=user.deleted', 10)).toEqual([])
  })
})
