import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TestSession } from '@careforall/devkit/testing'
import { type CampaignWorld, newCampaign, send, startCampaigns } from './support/campaign-world'

let w: CampaignWorld
let owner: TestSession
let admin: TestSession
let stranger: TestSession

beforeAll(async () => {
  w = await startCampaigns()
  ;[owner, admin, stranger] = await Promise.all([
    w.auth.donor('owner'),
    w.auth.admin(),
    w.auth.donor('stranger'),
  ])
}, 60_000)
afterAll(async () => {
  await w?.close()
})

async function draft(): Promise<string> {
  const res = await w.app.request(...send('POST', '/api/campaigns', owner, newCampaign()))
  return ((await res.json()) as { id: string }).id
}

type Caller = 'owner' | 'admin' | 'another donor' | 'anonymous'
const who = (caller: Caller) => ({ owner, admin, 'another donor': stranger, anonymous: undefined })[caller]
const expected: Record<Caller, number[]> = {
  owner: [200, 200, 204],
  admin: [200, 200, 204],
  'another donor': [403, 403, 403],
  anonymous: [401, 401, 401],
}

describe('who may change a campaign', () => {
  it.each(Object.keys(expected) as Caller[])(
    'answers the %s as the rules say for edit, status change and delete',
    async (caller) => {
      const [edit, move, remove] = expected[caller]
      const id = await draft()
      const editRes = await w.app.request(
        ...send('PATCH', `/api/campaigns/${id}`, who(caller), { title: 'Changed' }),
      )
      // A draft is invisible to others, but the write path names the real reason: forbidden.
      expect(editRes.status).toBe(caller === 'another donor' ? 404 : edit!)
      const published = await draft()
      await w.app.request(...send('PATCH', `/api/campaigns/${published}`, owner, { status: 'ACTIVE' }))
      expect(
        (
          await w.app.request(
            ...send('PATCH', `/api/campaigns/${published}`, who(caller), { status: 'PAUSED' }),
          )
        ).status,
      ).toBe(move!)
      const removable = await draft()
      const removeRes = await w.app.request(...send('DELETE', `/api/campaigns/${removable}`, who(caller)))
      expect(removeRes.status).toBe(caller === 'another donor' ? 404 : remove!)
    },
  )

  it('needs a signed-in caller to create, and makes the caller the owner whatever the body says', async () => {
    expect((await w.app.request(...send('POST', '/api/campaigns', undefined, newCampaign()))).status).toBe(
      401,
    )
    const res = await w.app.request(...send('POST', '/api/campaigns', stranger, newCampaign()))
    expect(((await res.json()) as { ownerId: string }).ownerId).toBe(stranger.user.id)
  })
})

describe('visibility', () => {
  it('hides a draft from other donors and from anonymous readers, not from admins', async () => {
    const id = await draft()
    expect((await w.app.request(...send('GET', `/api/campaigns/${id}`, stranger))).status).toBe(404)
    expect((await w.app.request(`/api/campaigns/${id}`)).status).toBe(404)
    expect((await w.app.request(...send('GET', `/api/campaigns/${id}`, admin))).status).toBe(200)
  })

  it('refuses a forged or revoked token on reads too, instead of treating it as anonymous', async () => {
    expect(
      (await w.app.request('/api/campaigns', { headers: { authorization: 'Bearer not.a.token' } })).status,
    ).toBe(401)
  })

  it('keeps the internal route behind the internal secret', async () => {
    const id = await draft()
    expect((await w.app.request(`/internal/campaigns/${id}`)).status).toBe(403)
    expect(
      (await w.app.request(`/internal/campaigns/${id}`, { headers: { 'x-internal-secret': 'x'.repeat(29) } }))
        .status,
    ).toBe(403)
  })
})
