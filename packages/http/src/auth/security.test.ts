import { describe, expect, it } from 'bun:test'
import { createLogger } from '@careforall/logger'
import { createRoute, z } from '@hono/zod-openapi'
import { createApp, createRouter } from '../create-app'
import { UnauthorizedError } from '../errors'
import type { AuthUser } from '../types'
import { isAdminOr, Security } from './security'
import type { TokenVerifier } from './verifier'

const users: Record<string, AuthUser> = {
  'donor-token': { id: 'd1', role: 'donor' },
  'admin-token': { id: 'a1', role: 'admin' },
}
const verifier: TokenVerifier = {
  verify: async (token) => {
    const user = users[token]
    if (!user) throw new UnauthorizedError('bad token')
    return user
  },
} as TokenVerifier

const route = (path: string, security?: Record<string, string[]>[]) =>
  createRoute({
    method: 'get',
    path,
    ...(security ? { security } : {}),
    responses: { 200: { description: 'ok', content: { 'application/json': { schema: z.object({}) } } } },
  })

const logger = createLogger({ serviceName: 'test', level: 'silent' })

/** The routes mounted the way every service mounts them: on `createApp()`, which maps errors. */
function app() {
  const router = createRouter({ verifier, internalSecret: 'internal-secret-of-16' })
    .openapi(route('/public'), (c) => c.json({}, 200))
    .openapi(route('/user', Security.user), (c) => c.json({}, 200))
    .openapi(route('/admin', Security.admin), (c) => c.json({}, 200))
    .openapi(route('/optional', Security.optionalUser), (c) => c.json({}, 200))
    .openapi(route('/internal', Security.internal), (c) => c.json({}, 200))
  const mounted = createApp({ service: 'test', logger })
  mounted.route('/', router)
  return mounted
}

const call = async (path: string, headers: Record<string, string> = {}) => {
  const res = await app().request(path, { headers })
  return res.status
}
const bearer = (token: string) => ({ authorization: `Bearer ${token}` })

describe('a route is guarded by the security it declares', () => {
  it.each([
    ['/public', {}, 200],
    ['/user', {}, 401],
    ['/user', bearer('donor-token'), 200],
    ['/admin', {}, 401],
    ['/admin', bearer('donor-token'), 403],
    ['/admin', bearer('admin-token'), 200],
    ['/optional', {}, 200],
    ['/optional', bearer('donor-token'), 200],
    ['/internal', {}, 403],
    ['/internal', { 'x-internal-secret': 'internal-secret-of-16' }, 200],
  ] as [string, Record<string, string>, number][])('%s with %o answers %d', async (path, headers, status) => {
    expect(await call(path, headers)).toBe(status)
  })

  it('refuses at start-up a route whose scheme its router cannot check', () => {
    expect(() => createRouter({}).openapi(route('/x', Security.user), (c) => c.json({}, 200))).toThrow(
      /no token verifier/,
    )
    expect(() => createRouter({}).openapi(route('/x', [{ apiKey: [] }]), (c) => c.json({}, 200))).toThrow(
      /no guard for it/,
    )
    expect(() =>
      createRouter({ verifier }).openapi(route('/x', [{}, { bearerAuth: ['admin'] }]), (c) =>
        c.json({}, 200),
      ),
    ).toThrow(/cannot be limited to roles/)
  })

  it('lets an admin or the named owner through isAdminOr', () => {
    expect(isAdminOr({ id: 'a1', role: 'admin' }, 'someone')).toBe(true)
    expect(isAdminOr({ id: 'd1', role: 'donor' }, 'd1')).toBe(true)
    expect(isAdminOr({ id: 'd1', role: 'donor' }, 'd2')).toBe(false)
    expect(isAdminOr({ id: 'd1', role: 'donor' }, null)).toBe(false)
    expect(isAdminOr(undefined, 'd1')).toBe(false)
  })
})
