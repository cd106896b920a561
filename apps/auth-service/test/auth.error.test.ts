import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import {
  type AuthWorld,
  bearer,
  PASSWORD,
  post,
  registerUser,
  startAuth,
  uniqueEmail,
} from './support/auth-world'

let w: AuthWorld

beforeAll(async () => {
  w = await startAuth()
}, 60_000)
afterAll(async () => {
  await w?.close()
})

async function problem(res: Response) {
  expect(res.headers.get('content-type')).toBe('application/problem+json')
  return (await res.json()) as { status: number; detail?: string; errors?: { path: string }[] }
}

describe('registration input', () => {
  it.each([
    ['a short password', { email: 'short@example.com', password: 'too short', name: 'A' }, 'password'],
    [
      'a password over 128 characters',
      { email: 'long@example.com', password: 'x'.repeat(129), name: 'A' },
      'password',
    ],
    ['a malformed email', { email: 'not-an-email', password: PASSWORD, name: 'A' }, 'email'],
    ['an empty name', { email: 'noname@example.com', password: PASSWORD, name: '  ' }, 'name'],
    [
      'an unknown field',
      { email: 'extra@example.com', password: PASSWORD, name: 'A', role: 'admin' },
      '(root)',
    ],
  ])('refuses %s with a 400 naming the field, and creates nothing', async (_label, body, field) => {
    const res = await w.app.request(...post('/api/auth/register', body))
    expect(res.status).toBe(400)
    expect((await problem(res)).errors?.map((e) => e.path)).toContain(field)
    const [count] = await w.sql`select count(*)::int as n from users where email = ${body.email}`
    expect(count?.n).toBe(0)
  })

  it('refuses an email that is already registered, whatever its case', async () => {
    const email = uniqueEmail()
    await registerUser(w.app, email)
    const res = await w.app.request(
      ...post('/api/auth/register', { email: email.toUpperCase(), password: PASSWORD, name: 'Twin' }),
    )
    expect(res.status).toBe(409)
    expect(JSON.stringify(await problem(res))).not.toContain('users_email_key')
  })

  it('answers malformed JSON with a 400 problem', async () => {
    const res = await w.app.request('/api/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"email":',
    })
    expect(res.status).toBe(400)
    await problem(res)
  })
})

describe('tokens that do not work', () => {
  it('refuses a refresh token that was never issued', async () => {
    const res = await w.app.request(...post('/api/auth/refresh', { refreshToken: 'made-up-token' }))
    expect(res.status).toBe(401)
  })

  it('refuses an expired reset token', async () => {
    const email = uniqueEmail()
    const session = await registerUser(w.app, email)
    await w.app.request(...post('/api/auth/password/forgot', { email }))
    const logged = w.logs.filter((l) => l.message === 'password reset link').at(-1)
    const token = new URL(String(logged?.resetUrl)).searchParams.get('token')!
    await w.sql`update password_resets set expires_at = now() - interval '1 minute' where user_id = ${session.user.id}`
    const res = await w.app.request(
      ...post('/api/auth/password/reset', { token, password: 'another fine passphrase' }),
    )
    expect(res.status).toBe(401)
    expect((await w.app.request(...post('/api/auth/login', { email, password: PASSWORD }))).status).toBe(200)
  })

  it('refuses /me without a token and with a malformed Authorization header', async () => {
    expect((await w.app.request('/api/auth/me')).status).toBe(401)
    expect((await w.app.request('/api/auth/me', { headers: { authorization: 'Basic abc' } })).status).toBe(
      401,
    )
    expect((await w.app.request('/api/auth/me', bearer('not.a.jwt'))).status).toBe(401)
  })
})

describe('admin changes', () => {
  it('answers 400 for an empty change, 404 for an unknown user and 409 for demoting oneself', async () => {
    const email = uniqueEmail('admin')
    await w.ensureAdmin(email, PASSWORD)
    const admin = (await (
      await w.app.request(...post('/api/auth/login', { email, password: PASSWORD }))
    ).json()) as {
      accessToken: string
      user: { id: string }
    }
    const patch = (id: string, body: unknown) =>
      w.app.request(`/api/auth/users/${id}`, {
        method: 'PATCH',
        headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
      })
    expect((await patch(admin.user.id, {})).status).toBe(400)
    expect((await patch('01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f', { disabled: true })).status).toBe(404)
    expect((await patch(admin.user.id, { role: 'donor' })).status).toBe(409)
    expect((await patch(admin.user.id, { disabled: true })).status).toBe(409)
    expect((await patch('not-a-uuid', { disabled: true })).status).toBe(400)
  })
})

describe('audit log filters', () => {
  it.each([
    ['an actorId that is not a uuid', 'actorId=nope', 'actorId'],
    ['a targetId that is not a uuid', 'targetId=123', 'targetId'],
    ['a from that is not a timestamp', 'from=yesterday', 'from'],
    ['a to without a time', 'to=2026-01-01', 'to'],
    ['an empty action', 'action=', 'action'],
  ])('refuses %s with 400 naming it', async (_label, query, path) => {
    const email = uniqueEmail('audit-admin')
    await w.ensureAdmin(email, PASSWORD)
    const login = await w.app.request(...post('/api/auth/login', { email, password: PASSWORD }))
    const { accessToken } = (await login.json()) as { accessToken: string }
    const res = await w.app.request(`/api/auth/audit?${query}`, bearer(accessToken))
    expect(res.status).toBe(400)
    expect((await problem(res)).errors?.map((error) => error.path)).toEqual([path])
  })
})
