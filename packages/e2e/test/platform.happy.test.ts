import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestResources, type TestResources } from '@careforall/db/testing'
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
    expect(Object.keys(doc.paths)).toContain('/api/status')
    const page = await fetch(`${platform.gateway}/docs`)
    expect(page.status).toBe(200)
    expect(await page.text()).toContain('/docs/scalar.js')
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

  it('stops every service on SIGTERM', async () => {
    expect(await platform.stop()).toBe(0)
    const stopped = platform.output().match(/"message":"stopped"/g) ?? []
    expect(stopped.length).toBe(7)
  }, 60_000)
})
