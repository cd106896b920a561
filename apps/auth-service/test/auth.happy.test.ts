import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose'
import { rotateKey } from '../src/keys'
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

async function outboxTypes(): Promise<{ type: string; payload: { data: unknown } }[]> {
  return [...(await w.sql`select type, payload from outbox order by created_at`)] as never
}

describe('registration and sign-in', () => {
  it('registers a donor, signs them in and answers /me with the access token', async () => {
    const email = uniqueEmail()
    const session = await registerUser(w.app, email)
    expect(session.user).toMatchObject({ email, role: 'donor' })
    const me = await w.app.request('/api/auth/me', bearer(session.accessToken))
    expect(me.status).toBe(200)
    expect(await me.json()).toMatchObject({ id: session.user.id, email, role: 'donor', disabled: false })
    const [row] = await w.sql`select password_hash from users where id = ${session.user.id}`
    expect(row?.passwordHash).toStartWith('$argon2id$')
  })

  it('signs in with the email in any case and issues a 15-minute EdDSA token with kid, iss, aud and typ', async () => {
    const email = uniqueEmail()
    await registerUser(w.app, email)
    const res = await w.app.request(
      ...post('/api/auth/login', { email: email.toUpperCase(), password: PASSWORD }),
    )
    expect(res.status).toBe(200)
    const body = (await res.json()) as { accessToken: string; expiresIn: number }
    expect(body.expiresIn).toBe(900)
    const header = decodeProtectedHeader(body.accessToken)
    expect(header).toMatchObject({ alg: 'EdDSA', typ: 'at+jwt' })
    expect(header.kid).toBeTruthy()
    const jwks = (await (await w.app.request('/api/auth/.well-known/jwks.json')).json()) as { keys: object[] }
    const { payload } = await jwtVerify(body.accessToken, createLocalJWKSet(jwks as never), {
      issuer: 'careforall-auth',
      audience: 'careforall-api',
    })
    expect(payload.exp! - payload.iat!).toBe(900)
  })

  it('rotates the refresh token on every use', async () => {
    const first = await registerUser(w.app)
    const res = await w.app.request(...post('/api/auth/refresh', { refreshToken: first.refreshToken }))
    expect(res.status).toBe(200)
    const second = (await res.json()) as { refreshToken: string; accessToken: string }
    expect(second.refreshToken).not.toBe(first.refreshToken)
    expect((await w.app.request('/api/auth/me', bearer(second.accessToken))).status).toBe(200)
    const again = await w.app.request(...post('/api/auth/refresh', { refreshToken: second.refreshToken }))
    expect(again.status).toBe(200)
  })

  it('ends the session on logout: its refresh token and access token stop working', async () => {
    const session = await registerUser(w.app)
    expect(
      (await w.app.request(...post('/api/auth/logout', { refreshToken: session.refreshToken }))).status,
    ).toBe(204)
    expect(
      (await w.app.request(...post('/api/auth/refresh', { refreshToken: session.refreshToken }))).status,
    ).toBe(401)
    expect((await w.app.request('/api/auth/me', bearer(session.accessToken))).status).toBe(401)
    // Logging out twice is fine.
    expect(
      (await w.app.request(...post('/api/auth/logout', { refreshToken: session.refreshToken }))).status,
    ).toBe(204)
  })
})

describe('sessions', () => {
  it('lists open sessions and revokes another one at once', async () => {
    const email = uniqueEmail()
    const phone = await registerUser(w.app, email)
    const laptopRes = await w.app.request(
      ...post('/api/auth/login', { email, password: PASSWORD }, { 'user-agent': 'laptop' }),
    )
    const laptop = (await laptopRes.json()) as { accessToken: string }
    const list = (await (await w.app.request('/api/auth/sessions', bearer(laptop.accessToken))).json()) as {
      items: { id: string; current: boolean; userAgent: string | null }[]
    }
    expect(list.items).toHaveLength(2)
    const current = list.items.find((s) => s.current)!
    expect(current.userAgent).toBe('laptop')
    const other = list.items.find((s) => !s.current)!
    const revoke = await w.app.request(`/api/auth/sessions/${other.id}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${laptop.accessToken}` },
    })
    expect(revoke.status).toBe(204)
    expect((await w.app.request('/api/auth/me', bearer(phone.accessToken))).status).toBe(401)
    expect((await w.app.request('/api/auth/me', bearer(laptop.accessToken))).status).toBe(200)
  })
})

describe('password reset', () => {
  it('sends a single-use link, changes the password and ends every session', async () => {
    const email = uniqueEmail()
    const old = await registerUser(w.app, email)
    expect((await w.app.request(...post('/api/auth/password/forgot', { email }))).status).toBe(202)

    const events = (await outboxTypes()).filter((e) => e.type === 'auth.password_reset_requested')
    expect(events.at(-1)?.payload.data).toEqual({ userId: old.user.id })

    const logged = w.logs.filter((l) => l.message === 'password reset link').at(-1)
    const token = new URL(String(logged?.resetUrl)).searchParams.get('token')!
    const [stored] = await w.sql`select token_hash from password_resets where user_id = ${old.user.id}`
    expect(stored?.tokenHash).not.toBe(token)

    const newPassword = 'a brand new passphrase'
    expect(
      (await w.app.request(...post('/api/auth/password/reset', { token, password: newPassword }))).status,
    ).toBe(204)
    expect((await w.app.request('/api/auth/me', bearer(old.accessToken))).status).toBe(401)
    expect((await w.app.request(...post('/api/auth/login', { email, password: PASSWORD }))).status).toBe(401)
    expect((await w.app.request(...post('/api/auth/login', { email, password: newPassword }))).status).toBe(
      200,
    )
    expect(
      (
        await w.app.request(
          ...post('/api/auth/password/reset', { token, password: 'yet another passphrase' }),
        )
      ).status,
    ).toBe(401)
  })

  it('answers 202 for an unknown email and emits nothing', async () => {
    const before = (await outboxTypes()).length
    expect(
      (await w.app.request(...post('/api/auth/password/forgot', { email: uniqueEmail('nobody') }))).status,
    ).toBe(202)
    expect((await outboxTypes()).length).toBe(before)
  })
})

describe('signing keys', () => {
  it('signs with a new key after rotation while tokens of the old key keep verifying', async () => {
    const before = await registerUser(w.app)
    const oldKid = decodeProtectedHeader(before.accessToken).kid
    const newKid = await rotateKey(w.sql)
    // Instances reload keys every minute; this one is told at once for the test.
    await w.keys.load()
    const after = await registerUser(w.app)
    expect(decodeProtectedHeader(after.accessToken).kid).toBe(newKid)
    expect(newKid).not.toBe(oldKid)
    const jwks = (await (await w.app.request('/api/auth/.well-known/jwks.json')).json()) as {
      keys: { kid: string }[]
    }
    expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining([oldKid!, newKid]))
    expect((await w.app.request('/api/auth/me', bearer(before.accessToken))).status).toBe(200)
    expect(JSON.stringify(jwks)).not.toContain('"d":')
  })
})

describe('administration', () => {
  it('creates the first admin, who lists and searches users, changes a role and reads the audit log', async () => {
    const adminEmail = uniqueEmail('admin')
    await w.ensureAdmin(adminEmail, PASSWORD)
    await w.ensureAdmin(adminEmail, PASSWORD)
    const login = await w.app.request(...post('/api/auth/login', { email: adminEmail, password: PASSWORD }))
    const admin = (await login.json()) as { accessToken: string; user: { id: string; role: string } }
    expect(admin.user.role).toBe('admin')

    const target = await registerUser(w.app, uniqueEmail('grace.hopper'))
    const search = (await (
      await w.app.request('/api/auth/users?q=grace.hopper', bearer(admin.accessToken))
    ).json()) as {
      items: { id: string }[]
    }
    expect(search.items.map((u) => u.id)).toEqual([target.user.id])
    // The audit log names users by id: an id finds that user.
    const byId = (await (
      await w.app.request(`/api/auth/users?q=${target.user.id}`, bearer(admin.accessToken))
    ).json()) as { items: { id: string }[] }
    expect(byId.items.map((u) => u.id)).toEqual([target.user.id])

    const promote = await w.app.request(`/api/auth/users/${target.user.id}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${admin.accessToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ role: 'admin' }),
    })
    expect(promote.status).toBe(200)
    expect(await promote.json()).toMatchObject({ role: 'admin' })

    const audit = (await (await w.app.request('/api/auth/audit', bearer(admin.accessToken))).json()) as {
      items: { action: string; actorId: string; targetId: string; details: object }[]
    }
    expect(audit.items[0]).toMatchObject({
      action: 'user.role_changed',
      actorId: admin.user.id,
      targetId: target.user.id,
      details: { from: 'donor', to: 'admin' },
    })
  })

  it('pages through users with a cursor, each exactly once', async () => {
    const adminEmail = uniqueEmail('pager')
    await w.ensureAdmin(adminEmail, PASSWORD)
    const { accessToken } = (await (
      await w.app.request(...post('/api/auth/login', { email: adminEmail, password: PASSWORD }))
    ).json()) as {
      accessToken: string
    }
    const seen: string[] = []
    let cursor: string | null = null
    do {
      const url: string = `/api/auth/users?limit=2${cursor ? `&cursor=${cursor}` : ''}`
      const page = (await (await w.app.request(url, bearer(accessToken))).json()) as {
        items: { id: string }[]
        nextCursor: string | null
      }
      seen.push(...page.items.map((u) => u.id))
      cursor = page.nextCursor
    } while (cursor)
    const [count] = await w.sql`select count(*)::int as n from users`
    expect(seen.length).toBe(count!.n)
    expect(new Set(seen).size).toBe(seen.length)
  })
})
