import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startTestAuth, type TestAuth, type TestSession } from '@careforall/devkit/testing'
import { createTotalsWorld, type Instance, type TotalsWorld } from './support/totals-world'

let world: TotalsWorld
let auth: TestAuth
let totals: Instance
let admin: TestSession
let donor: TestSession

beforeAll(async () => {
  world = await createTotalsWorld()
  auth = await startTestAuth(world.resources)
  totals = await world.start({ env: { AUTH_JWKS_URL: auth.jwksUrl } })
  ;[admin, donor] = await Promise.all([auth.admin(), auth.donor()])
}, 60_000)
afterAll(async () => {
  await auth?.stop()
  await world?.close()
}, 30_000)

const stats = (query: string, session?: TestSession | { headers: Record<string, string> }) =>
  totals.app.request(`/api/totals/stats${query}`, { headers: session?.headers ?? {} })

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toContain('application/problem+json')
  return (await res.json()) as { status: number; errors?: { path: string; message: string }[] }
}

describe('who may read the statistics', () => {
  it('refuses an anonymous caller with 401 and a donor with 403', async () => {
    const anonymous = await stats('')
    expect(anonymous.status).toBe(401)
    expect(anonymous.headers.get('www-authenticate')).toBe('Bearer')
    expect((await stats('', donor)).status).toBe(403)
    expect((await stats('', admin)).status).toBe(200)
  })

  it('refuses a forged token, and says nothing about the query before the caller is known', async () => {
    const forged = { headers: { authorization: `Bearer ${admin.accessToken.slice(0, -4)}AAAA` } }
    expect((await stats('', forged)).status).toBe(401)
    expect((await stats('?from=nonsense')).status).toBe(401)
  })

  it('keeps the campaign totals public', async () => {
    expect((await totals.app.request(`/api/totals/${crypto.randomUUID()}`)).status).toBe(200)
  })
})

describe('what the statistics refuse', () => {
  it.each([
    ['?bucket=week', 'bucket'],
    ['?from=2026-02-30', 'from'],
    ['?from=2026-3-1', 'from'],
    ['?to=tomorrow', 'to'],
    ['?from=2026-03-05&to=2026-03-01', 'from'],
    ['?from=2024-01-01&to=2026-01-01', 'from'],
  ])('answers 400 naming the field for %s', async (query, path) => {
    const res = await stats(query, admin)
    expect(res.status).toBe(400)
    expect((await problem(res)).errors?.map((error) => error.path)).toEqual([path])
  })

  it('answers 404 for a path under it that does not exist', async () => {
    const res = await totals.app.request(`/api/totals/${crypto.randomUUID()}/history`, {
      headers: admin.headers,
    })
    expect(res.status).toBe(404)
    expect((await problem(res)).status).toBe(404)
  })
})
