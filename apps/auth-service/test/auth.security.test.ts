import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose'
import {
  type AuthWorld,
  bearer,
  PASSWORD,
  post,
  registerUser,
  type Session,
  startAuth,
  uniqueEmail,
} from './support/auth-world'

let w: AuthWorld
let victim: Session
let signingKey: { kid: string; privateJwk: JWK; publicJwk: JWK }

beforeAll(async () => {
  w = await startAuth({
    LOGIN_LIMIT_PER_IP: 6,
    LOGIN_LIMIT_PER_ACCOUNT: 3,
    REGISTER_LIMIT_PER_IP: 100,
    RESET_LIMIT_PER_IP: 100,
    RESET_LIMIT_PER_ACCOUNT: 2,
  })
  victim = await registerUser(w.app, uniqueEmail('victim'), { 'x-forwarded-for': '10.9.9.9' })
  const [row] = await w.sql`select kid, private_jwk, public_jwk from signing_keys where retired_at is null`
  signingKey = row as never
}, 60_000)
afterAll(async () => {
  await w?.close()
})

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url')
const now = () => Math.floor(Date.now() / 1000)

function claims(overrides: Record<string, unknown> = {}) {
  return {
    iss: 'careforall-auth',
    aud: 'careforall-api',
    sub: victim.user.id,
    sid: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f',
    role: 'admin',
    iat: now(),
    exp: now() + 600,
    ...overrides,
  }
}

async function signed(payload: Record<string, unknown>, header: Record<string, unknown> = {}) {
  const key = await importJWK(signingKey.privateJwk, 'EdDSA')
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'EdDSA', kid: signingKey.kid, typ: 'at+jwt', ...header })
    .sign(key)
}

describe('forged access tokens', () => {
  const forgeries: [string, () => Promise<string>][] = [
    ['alg none', async () => `${b64({ alg: 'none', typ: 'at+jwt', kid: signingKey.kid })}.${b64(claims())}.`],
    [
      'HS256 signed with the public key',
      async () =>
        new SignJWT(claims())
          .setProtectedHeader({ alg: 'HS256', typ: 'at+jwt', kid: signingKey.kid })
          .sign(new TextEncoder().encode(JSON.stringify(signingKey.publicJwk))),
    ],
    ['expired', () => signed(claims({ iat: now() - 3600, exp: now() - 60 }))],
    ['a wrong audience', () => signed(claims({ aud: 'someone-else' }))],
    ['a wrong issuer', () => signed(claims({ iss: 'evil-auth' }))],
    ['a wrong typ', () => signed(claims(), { typ: 'JWT' })],
    [
      'an unknown kid',
      async () => {
        const { privateKey } = await generateKeyPair('EdDSA', { crv: 'Ed25519' })
        return new SignJWT(claims())
          .setProtectedHeader({ alg: 'EdDSA', typ: 'at+jwt', kid: 'not-our-key' })
          .sign(privateKey)
      },
    ],
    [
      'a tampered payload',
      async () => {
        const [header, , signature] = victim.accessToken.split('.')
        const payload = JSON.parse(Buffer.from(victim.accessToken.split('.')[1]!, 'base64url').toString())
        return `${header}.${b64({ ...payload, role: 'admin' })}.${signature}`
      },
    ],
  ]

  it.each(forgeries)('refuses a token with %s', async (_label, forge) => {
    const res = await w.app.request('/api/auth/users', bearer(await forge()))
    expect(res.status).toBe(401)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
  })

  it('still accepts a genuine token signed the same way (the table tests the checks, not the setup)', async () => {
    const genuine = await signed(
      claims({ role: 'donor', sid: (await w.sql`select id from sessions limit 1`)[0]!.id }),
    )
    expect((await w.app.request('/api/auth/me', bearer(genuine))).status).toBe(200)
  })
})

describe('refresh token reuse', () => {
  it('revokes the whole family when an old refresh token comes back', async () => {
    const first = await registerUser(w.app)
    const rotated = (await (
      await w.app.request(...post('/api/auth/refresh', { refreshToken: first.refreshToken }))
    ).json()) as Session
    const reuse = await w.app.request(...post('/api/auth/refresh', { refreshToken: first.refreshToken }))
    expect(reuse.status).toBe(401)
    expect(
      (await w.app.request(...post('/api/auth/refresh', { refreshToken: rotated.refreshToken }))).status,
    ).toBe(401)
    expect((await w.app.request('/api/auth/me', bearer(rotated.accessToken))).status).toBe(401)
  })

  it('lets only one of two concurrent refreshes with the same token through', async () => {
    const session = await registerUser(w.app)
    const results = await Promise.all(
      [1, 2].map(() => w.app.request(...post('/api/auth/refresh', { refreshToken: session.refreshToken }))),
    )
    expect(results.map((r) => r.status).sort()).toEqual([200, 401])
  })
})

describe('roles and disabled accounts', () => {
  it('does not let a donor list users or promote themself', async () => {
    const donor = await registerUser(w.app)
    expect((await w.app.request('/api/auth/users', bearer(donor.accessToken))).status).toBe(403)
    const promote = await w.app.request(`/api/auth/users/${donor.user.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${donor.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    })
    expect(promote.status).toBe(403)
    const [row] = await w.sql`select role from users where id = ${donor.user.id}`
    expect(row?.role).toBe('donor')
  })

  it('refuses a disabled user on their next request, at login and at refresh, and says so in an event', async () => {
    const adminEmail = uniqueEmail('admin')
    await w.ensureAdmin(adminEmail, PASSWORD)
    const admin = (await (
      await w.app.request(...post('/api/auth/login', { email: adminEmail, password: PASSWORD }))
    ).json()) as Session
    const email = uniqueEmail('disabled')
    const donor = await registerUser(w.app, email)
    expect((await w.app.request('/api/auth/me', bearer(donor.accessToken))).status).toBe(200)
    const disable = await w.app.request(`/api/auth/users/${donor.user.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ disabled: true }),
    })
    expect(disable.status).toBe(200)
    expect((await w.app.request('/api/auth/me', bearer(donor.accessToken))).status).toBe(401)
    expect((await w.app.request(...post('/api/auth/login', { email, password: PASSWORD }))).status).toBe(401)
    expect(
      (await w.app.request(...post('/api/auth/refresh', { refreshToken: donor.refreshToken }))).status,
    ).toBe(401)
    const events = await w.sql`select type from outbox where aggregate_id = ${donor.user.id}`
    expect(events.map((e) => e.type)).toEqual(['auth.user_disabled'])
  })
})

describe('rate limits', () => {
  it('limits logins per account, whatever the address', async () => {
    const email = uniqueEmail('target')
    await registerUser(w.app, email)
    const statuses: number[] = []
    for (let i = 0; i < 4; i++) {
      statuses.push(
        (
          await w.app.request(
            ...post('/api/auth/login', { email, password: 'wrong password!' }, from(`10.1.0.${i}`)),
          )
        ).status,
      )
    }
    expect(statuses).toEqual([401, 401, 401, 429])
    const limited = await w.app.request(
      ...post('/api/auth/login', { email, password: PASSWORD }, from('10.1.1.1')),
    )
    expect(limited.status).toBe(429)
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0)
  })

  it('limits logins per address, whatever the account', async () => {
    const statuses: number[] = []
    for (let i = 0; i < 7; i++) {
      statuses.push(
        (
          await w.app.request(
            ...post(
              '/api/auth/login',
              { email: uniqueEmail('spray'), password: 'wrong password!' },
              from('10.2.0.1'),
            ),
          )
        ).status,
      )
    }
    expect(statuses.slice(0, 6).every((s) => s === 401)).toBe(true)
    expect(statuses[6]).toBe(429)
    expect(
      (
        await w.app.request(
          ...post('/api/auth/login', { email: uniqueEmail(), password: 'x' }, from('10.2.0.2')),
        )
      ).status,
    ).toBe(401)
  })

  it('limits reset requests per account and still answers 202 below the limit', async () => {
    const email = uniqueEmail('resets')
    await registerUser(w.app, email)
    const statuses: number[] = []
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await w.app.request(...post('/api/auth/password/forgot', { email }, from(`10.3.0.${i}`)))).status,
      )
    expect(statuses).toEqual([202, 202, 429])
  })
})

describe('account enumeration', () => {
  it('answers an unknown email and a wrong password alike, in body and (within noise) in time', async () => {
    const email = uniqueEmail('known')
    await registerUser(w.app, email, from('10.4.0.1'))
    const attempt = async (login: string, i: number) => {
      const started = performance.now()
      const res = await w.app.request(
        ...post('/api/auth/login', { email: login, password: 'not the password' }, from(`10.5.${i}.1`)),
      )
      const elapsed = performance.now() - started
      const body = (await res.json()) as Record<string, unknown>
      delete body.requestId
      return { status: res.status, body, elapsed }
    }
    const known: Awaited<ReturnType<typeof attempt>>[] = []
    const unknown: Awaited<ReturnType<typeof attempt>>[] = []
    for (let i = 0; i < 3; i++) {
      known.push(await attempt(email, i))
      unknown.push(await attempt(uniqueEmail('ghost'), i + 10))
    }
    expect(unknown[0]!.status).toBe(known[0]!.status)
    expect(unknown[0]!.body).toEqual(known[0]!.body)
    const median = (xs: number[]) => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
    const ratio = median(unknown.map((r) => r.elapsed)) / median(known.map((r) => r.elapsed))
    // Both run one argon2id verify (19 MiB, t=2); without the dummy verify the ratio is ~0.05.
    // The bound leaves room for a busy machine (0.45 was seen with the whole suite running).
    expect(ratio).toBeGreaterThan(0.25)
    expect(ratio).toBeLessThan(2)
  })
})

function from(ip: string) {
  return { 'x-forwarded-for': ip }
}
