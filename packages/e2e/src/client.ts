/** A small client for driving the platform through the gateway, as a user would. */
export class PlatformClient {
  constructor(readonly base: string) {}

  async call<T = unknown>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: {
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...options.headers,
      },
      ...(options.body === undefined ? {} : { body: JSON.stringify(options.body) }),
    })
    const text = await res.text()
    return { status: res.status, headers: res.headers, body: (text ? JSON.parse(text) : undefined) as T }
  }

  async register(tag = 'donor'): Promise<{ token: string; userId: string }> {
    const email = `${tag}.${Date.now()}.${Math.random().toString(36).slice(2)}@example.com`
    const res = await this.call<{ accessToken: string; user: { id: string } }>('POST', '/api/auth/register', {
      body: { email, password: 'correct horse battery staple', name: tag },
    })
    if (res.status !== 201) throw new Error(`register answered ${res.status}`)
    return { token: res.body.accessToken, userId: res.body.user.id }
  }

  async login(email: string, password: string): Promise<string> {
    const res = await this.call<{ accessToken: string }>('POST', '/api/auth/login', {
      body: { email, password },
    })
    if (res.status !== 200) throw new Error(`login answered ${res.status}`)
    return res.body.accessToken
  }

  /** An ACTIVE campaign owned by the token's user. */
  async activeCampaign(token: string, goalAmount = 100_000): Promise<string> {
    const created = await this.call<{ id: string }>('POST', '/api/campaigns', {
      token,
      body: {
        title: 'End-to-end campaign',
        description: 'Driven through the gateway.',
        goalAmount,
        startDate: new Date(Date.now() - 60_000).toISOString(),
        endDate: new Date(Date.now() + 30 * 86_400_000).toISOString(),
      },
    })
    if (created.status !== 201) throw new Error(`campaign create answered ${created.status}`)
    const activated = await this.call('PATCH', `/api/campaigns/${created.body.id}`, {
      token,
      body: { status: 'ACTIVE' },
    })
    if (activated.status !== 200) throw new Error(`campaign activate answered ${activated.status}`)
    return created.body.id
  }
}

/** Polls until `check` holds or the time is up; returns the last value either way. */
export async function eventually<T>(
  probe: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 30_000,
  everyMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await probe()
    if (check(value) || Date.now() > deadline) return value
    await Bun.sleep(everyMs)
  }
}
