import type { TestResources } from '@careforall/db/testing'
import { type RunningService, spawnService, worldEnv } from './spawn'

export const TEST_PASSWORD = 'correct horse battery staple'

export interface TestSession {
  accessToken: string
  refreshToken: string
  user: { id: string; email: string; role: 'donor' | 'admin'; name: string }
  /** `{ authorization: 'Bearer …' }`, to spread into request headers. */
  headers: Record<string, string>
}

export interface TestAuth {
  service: RunningService
  jwksUrl: string
  /** A new donor account, signed in. */
  donor(tag?: string): Promise<TestSession>
  /** The first admin (from ADMIN_EMAIL/ADMIN_PASSWORD), signed in. */
  admin(): Promise<TestSession>
  stop(): Promise<number>
}

let counter = 0

/**
 * The real auth service as a process in a test world, so other services' tests get real tokens
 * and verify them against the real JWKS, with the same denylist in the world's Redis prefix.
 */
export async function startTestAuth(
  world: TestResources,
  env: Record<string, string> = {},
): Promise<TestAuth> {
  const adminEmail = `admin.${Date.now()}@example.com`
  const service = await spawnService('auth', {
    ...worldEnv(world, 'auth'),
    ADMIN_EMAIL: adminEmail,
    ADMIN_PASSWORD: TEST_PASSWORD,
    LOGIN_LIMIT_PER_IP: '100000',
    REGISTER_LIMIT_PER_IP: '100000',
    ...env,
  })
  const call = async (path: string, body: unknown): Promise<TestSession> => {
    const res = await fetch(`${service.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    })
    if (!res.ok) throw new Error(`${path} answered ${res.status}: ${await res.text()}`)
    const session = (await res.json()) as Omit<TestSession, 'headers'>
    return { ...session, headers: { authorization: `Bearer ${session.accessToken}` } }
  }
  return {
    service,
    jwksUrl: `${service.url}/api/auth/.well-known/jwks.json`,
    donor: (tag = 'donor') =>
      call('/api/auth/register', {
        email: `${tag}.${++counter}.${Date.now()}@example.com`,
        password: TEST_PASSWORD,
        name: `Test ${tag}`,
      }),
    admin: () => call('/api/auth/login', { email: adminEmail, password: TEST_PASSWORD }),
    stop: () => service.stop(),
  }
}
