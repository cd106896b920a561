import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { compileErrors, validate } from '@readme/openapi-parser'
import { type RunningPlatform, startPlatform } from '../src'

const SERVICES = ['auth', 'campaign', 'pledge', 'payment', 'totals', 'chat']

let world: TestResources
let platform: RunningPlatform

beforeAll(async () => {
  world = await createTestResources()
  platform = await startPlatform(world)
}, 180_000)

afterAll(async () => {
  await platform?.stop()
  await world?.cleanup()
}, 60_000)

describe('the platform started with `bun run dev`', () => {
  it('finds all seven services healthy through the gateway', async () => {
    const res = await fetch(`${platform.gateway}/api/status`)
    expect(res.status).toBe(200)
    const body = (await res.json()) as { services: Record<string, { status: string }> }
    for (const name of SERVICES) expect(body.services[name]?.status).toBe('ready')
    expect((await fetch(`${platform.gateway}/ready`)).status).toBe(200)
    expect((await fetch(`${platform.gateway}/health`)).status).toBe(200)
  })

  it('serves one merged OpenAPI document and one docs page at the gateway', async () => {
    const doc = (await (await fetch(`${platform.gateway}/openapi.json`)).json()) as {
      openapi: string
      paths: object
    }
    expect(doc.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(doc) as never)
    expect(result.valid ? [] : compileErrors(result)).toEqual([])
    // Every /api operation of every real service is in the one document.
    const paths = Object.keys(doc.paths)
    for (const [index, name] of SERVICES.entries()) {
      const url = `http://127.0.0.1:${3001 + index + platform.portOffset}/openapi.json`
      const own = (await (await fetch(url)).json()) as { paths: object }
      const missing = Object.keys(own.paths).filter(
        (path) => path.startsWith('/api/') && !paths.includes(path),
      )
      expect({ name, missing }).toEqual({ name, missing: [] })
    }
    expect(paths).toContain('/api/status')
    const page = await fetch(`${platform.gateway}/docs`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('/docs/scalar.js')
  })

  it('refuses an anonymous call to every operation whose contract declares a security requirement', async () => {
    const doc = (await (await fetch(`${platform.gateway}/openapi.json`)).json()) as {
      paths: Record<string, Record<string, { security?: Record<string, string[]>[] }>>
    }
    const guarded: string[] = []
    const answers: Record<string, number> = {}
    for (const [path, item] of Object.entries(doc.paths)) {
      for (const [method, operation] of Object.entries(item)) {
        const security = operation.security ?? []
        // `{}` among the requirements: anonymous callers are allowed on purpose (guest pledges, reads).
        if (security.length === 0 || security.some((requirement) => Object.keys(requirement).length === 0))
          continue
        const url = path.replace(/\{[^}]+\}/g, '0193a1b2-0000-7000-8000-000000000001')
        const hasBody = method === 'post' || method === 'patch' || method === 'put'
        const res = await fetch(`${platform.gateway}${url}`, {
          method: method.toUpperCase(),
          headers: { 'content-type': 'application/json', 'idempotency-key': `anonymous-${method}-${path}` },
          ...(hasBody ? { body: '{}' } : {}),
        })
        guarded.push(`${method.toUpperCase()} ${path}`)
        answers[`${method.toUpperCase()} ${path}`] = res.status
        expect(res.headers.get('content-type')).toStartWith('application/problem+json')
      }
    }
    // Sessions, users, audit, campaign changes, payments, refunds, captures, statistics at least.
    expect(guarded.length).toBeGreaterThanOrEqual(14)
    expect(Object.entries(answers).filter(([, status]) => status !== 401)).toEqual([])
  })

  it('never exposes internal routes through the gateway', async () => {
    const res = await fetch(`${platform.gateway}/api/campaigns/../../internal/campaigns/x`)
    expect(res.status).toBe(404)
  })

  it('runs every service on its own port with its own docs', async () => {
    for (const [index, name] of SERVICES.entries()) {
      const url = `http://127.0.0.1:${3001 + index + platform.portOffset}`
      const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { info: { title: string } }
      expect(doc.info.title).toBe(`${name}-service`)
    }
  })

  it('seeds the first admin and ACTIVE demo campaigns', async () => {
    expect(platform.output()).toMatch(/demo data +3 active campaigns: .+ \(created now\)/)
    const login = await fetch(`${platform.gateway}/api/auth/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email: 'admin@careforall.dev', password: 'change-me-admin-password' }),
    })
    expect(login.status).toBe(200)
    expect(((await login.json()) as { user: { role: string } }).user.role).toBe('admin')
    const list = (await (await fetch(`${platform.gateway}/api/campaigns?status=ACTIVE`)).json()) as {
      items: { title: string }[]
    }
    expect(list.items.map((c) => c.title).sort()).toEqual([
      'Clean water for Rangpur',
      'Flood relief kits',
      'School books for Sylhet',
    ])
  })

  it('lets a donor register and create a campaign through the gateway, and refuses a forged token at the edge', async () => {
    const json = { 'content-type': 'application/json' }
    const register = await fetch(`${platform.gateway}/api/auth/register`, {
      method: 'POST',
      headers: json,
      body: JSON.stringify({
        email: `e2e.${Date.now()}@example.com`,
        password: 'correct horse battery staple',
        name: 'E2E',
      }),
    })
    expect(register.status).toBe(201)
    const { accessToken, user } = (await register.json()) as { accessToken: string; user: { id: string } }
    const create = await fetch(`${platform.gateway}/api/campaigns`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${accessToken}` },
      body: JSON.stringify({
        title: 'Through the gateway',
        description: 'Made by the end-to-end test.',
        goalAmount: 100,
        startDate: new Date().toISOString(),
        endDate: new Date(Date.now() + 86_400_000).toISOString(),
      }),
    })
    expect(create.status).toBe(201)
    expect(((await create.json()) as { ownerId: string }).ownerId).toBe(user.id)
    const forged = await fetch(`${platform.gateway}/api/campaigns`, {
      headers: { authorization: `Bearer ${accessToken}x` },
    })
    expect(forged.status).toBe(401)
  })

  it('stops every service on SIGTERM', async () => {
    expect(await platform.stop()).toBe(0)
    const stopped = platform.output().match(/"message":"stopped"/g) ?? []
    expect(stopped.length).toBe(7)
  }, 60_000)
})
