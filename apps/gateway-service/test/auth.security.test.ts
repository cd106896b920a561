import { afterAll, describe, expect, it } from 'bun:test'
import { exportJWK, generateKeyPair, SignJWT } from 'jose'
import { startGateway } from './helpers/gateway'
import { startUpstream } from './helpers/upstream'

const { publicKey, privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
const jwk = { ...(await exportJWK(publicKey)), kid: 'test-key', alg: 'EdDSA', use: 'sig' }
const auth = startUpstream('auth-service', {
  configure: (app) => app.get('/api/auth/.well-known/jwks.json', (c) => c.json({ keys: [jwk] })),
})
const campaign = startUpstream('campaign-service')
const gateway = startGateway({ auth: auth.url, campaign: campaign.url })
afterAll(() => {
  gateway.stop()
  auth.stop()
  campaign.stop()
})

function token(overrides: { exp?: number; aud?: string; kid?: string } = {}) {
  const now = Math.floor(Date.now() / 1000)
  return new SignJWT({ role: 'donor', sid: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f' })
    .setProtectedHeader({ alg: 'EdDSA', kid: overrides.kid ?? 'test-key', typ: 'at+jwt' })
    .setIssuer('careforall-auth')
    .setAudience(overrides.aud ?? 'careforall-api')
    .setSubject('01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0a')
    .setIssuedAt(now - 10)
    .setExpirationTime(overrides.exp ?? now + 600)
    .sign(privateKey)
}

const get = (authorization?: string) =>
  fetch(`${gateway.url}/api/campaigns`, { headers: authorization ? { authorization } : {} })

describe('the Authorization header at the edge', () => {
  it('lets a request without one through: services decide', async () => {
    expect((await get()).status).toBe(200)
  })

  it('forwards a request with a valid token, header unchanged', async () => {
    const valid = `Bearer ${await token()}`
    expect((await get(valid)).status).toBe(200)
    expect(campaign.received.at(-1)?.headers.get('authorization')).toBe(valid)
  })

  it.each([
    ['garbage', async () => 'Bearer garbage'],
    ['not a bearer token', async () => 'Basic dXNlcjpwYXNz'],
    ['an expired token', async () => `Bearer ${await token({ exp: Math.floor(Date.now() / 1000) - 60 })}`],
    ['a token for another audience', async () => `Bearer ${await token({ aud: 'elsewhere' })}`],
    ['a token from an unknown key', async () => `Bearer ${await token({ kid: 'other-key' })}`],
  ])('refuses %s with 401 before the service sees it', async (_label, header) => {
    const before = campaign.received.length
    const res = await get(await header())
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
    expect(campaign.received.length).toBe(before)
  })
})
