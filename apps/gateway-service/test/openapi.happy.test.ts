import { afterAll, describe, expect, it } from 'bun:test'
import { type AppOpenAPI, problemResponses } from '@careforall/http'
import { createRoute, z } from '@hono/zod-openapi'
import { compileErrors, validate } from '@readme/openapi-parser'
import type { OpenApiDocument } from '../src/domain/merge-openapi'
import { startGateway } from './helpers/gateway'
import { type FakeUpstream, startUpstream } from './helpers/upstream'

const Money = z.number().positive().multipleOf(0.01).openapi('Money')
const Campaign = z.object({ id: z.uuid(), title: z.string(), goalAmount: Money }).openapi('Campaign')
const User = z.object({ id: z.uuid(), email: z.email() }).openapi('User')

/** Two public routes and an internal one, the way the real services register theirs. */
function campaignRoutes(app: AppOpenAPI) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/campaigns/{id}',
      operationId: 'getOne',
      request: { params: z.object({ id: z.uuid() }) },
      responses: {
        200: { description: 'The campaign', content: { 'application/json': { schema: Campaign } } },
        ...problemResponses,
      },
    }),
    (c) => c.json({ id: c.req.valid('param').id, title: 't', goalAmount: 1 }, 200),
  )
  app.openapi(
    createRoute({
      method: 'post',
      path: '/api/campaigns',
      request: { body: { content: { 'application/json': { schema: Campaign.omit({ id: true }) } } } },
      responses: {
        201: { description: 'Created', content: { 'application/json': { schema: Campaign } } },
        ...problemResponses,
      },
    }),
    (c) => c.json({ id: crypto.randomUUID(), title: 't', goalAmount: 1 }, 201),
  )
  app.openapi(
    createRoute({
      method: 'get',
      path: '/internal/campaigns/{id}',
      request: { params: z.object({ id: z.uuid() }) },
      responses: { 200: { description: 'For services only' } },
    }),
    (c) => c.body(null, 200),
  )
}

function authRoutes(app: AppOpenAPI) {
  app.openapi(
    createRoute({
      method: 'get',
      path: '/api/auth/me',
      operationId: 'getOne', // the campaign service has a `getOne` too, on purpose
      security: [{ bearerAuth: [] }],
      responses: {
        200: { description: 'The caller', content: { 'application/json': { schema: User } } },
        ...problemResponses,
      },
    }),
    (c) => c.json({ id: crypto.randomUUID(), email: 'a@b.co' }, 200),
  )
}

function oneRoute(prefix: string) {
  return (app: AppOpenAPI) =>
    app.openapi(
      createRoute({
        method: 'get',
        path: `${prefix}/{id}`,
        request: { params: z.object({ id: z.string() }) },
        responses: { 200: { description: 'Found' }, ...problemResponses },
      }),
      (c) => c.body(null, 200),
    )
}

const upstreams: Record<string, FakeUpstream> = {
  auth: startUpstream('auth-service', { configure: authRoutes }),
  campaign: startUpstream('campaign-service', { configure: campaignRoutes }),
  pledge: startUpstream('pledge-service', { configure: oneRoute('/api/pledges') }),
  payment: startUpstream('payment-service', { configure: oneRoute('/api/payments') }),
  totals: startUpstream('totals-service', { configure: oneRoute('/api/totals') }),
}
const urls = Object.fromEntries(Object.entries(upstreams).map(([key, upstream]) => [key, upstream.url]))
const gateway = startGateway(urls) // the chat service is down
afterAll(() => {
  gateway.stop()
  for (const upstream of Object.values(upstreams)) upstream.stop()
})

async function mergedDocument(): Promise<OpenApiDocument> {
  const res = await fetch(`${gateway.url}/openapi.json`)
  expect(res.status).toBe(200)
  return (await res.json()) as OpenApiDocument
}

type Operation = { tags: string[]; operationId?: string; security?: unknown }

describe('the merged OpenAPI document', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    const document = await mergedDocument()
    expect(document.openapi).toBe('3.1.0')
    const result = await validate(structuredClone(document) as never)
    if (!result.valid) throw new Error(compileErrors(result))
    expect(result.specification).toBe('OpenAPI')
  })

  it("holds every /api operation of every service, tagged with the service's name", async () => {
    const { paths = {} } = await mergedDocument()
    const tagOf = (path: string, method: string) => (paths[path]?.[method] as Operation | undefined)?.tags
    expect(tagOf('/api/campaigns/{id}', 'get')).toEqual(['campaign-service'])
    expect(tagOf('/api/campaigns', 'post')).toEqual(['campaign-service'])
    expect(tagOf('/api/auth/me', 'get')).toEqual(['auth-service'])
    expect(tagOf('/api/pledges/{id}', 'get')).toEqual(['pledge-service'])
    expect(tagOf('/api/payments/{id}', 'get')).toEqual(['payment-service'])
    expect(tagOf('/api/totals/{id}', 'get')).toEqual(['totals-service'])
    expect(tagOf('/api/status', 'get')).toEqual(['gateway-service'])
    expect(Object.keys(paths).sort()).toEqual([
      '/api/auth/me',
      '/api/campaigns',
      '/api/campaigns/{id}',
      '/api/payments/{id}',
      '/api/pledges/{id}',
      '/api/status',
      '/api/totals/{id}',
    ])
  })

  it("leaves out the services' operational and internal routes", async () => {
    const { paths = {} } = await mergedDocument()
    expect(Object.keys(paths).filter((path) => !path.startsWith('/api/'))).toEqual([])
  })

  it('renames each service’s components under its name and rewrites every reference to them', async () => {
    const document = await mergedDocument()
    const schemas = Object.keys(document.components?.schemas ?? {})
    expect(schemas).toEqual(
      expect.arrayContaining([
        'campaign.Campaign',
        'campaign.Money',
        'campaign.Problem',
        'auth.User',
        'auth.Problem',
        'gateway.PlatformStatus',
      ]),
    )
    const refs = JSON.stringify(document).match(/"\$ref":"[^"]+"/g) ?? []
    expect(refs.length).toBeGreaterThan(0)
    for (const ref of refs) {
      const name = /#\/components\/schemas\/([^"]+)/.exec(ref)?.[1]
      expect(name && schemas.includes(name) ? 'resolves' : ref).toBe('resolves')
    }
    // Both services call an operation `getOne`: the later one in service order is renamed.
    expect(document.paths?.['/api/auth/me']?.get).toMatchObject({ operationId: 'getOne' })
    expect(document.paths?.['/api/campaigns/{id}']?.get).toMatchObject({
      operationId: 'campaign-service.getOne',
    })
  })

  it('keeps the one bearer scheme every service defines alike under its own name', async () => {
    const document = await mergedDocument()
    const me = document.paths?.['/api/auth/me']?.get as Operation
    expect(me.security).toEqual([{ bearerAuth: [] }])
    expect(Object.keys(document.components?.securitySchemes ?? {})).toEqual(['bearerAuth'])
  })

  it('names a service that is down instead of failing', async () => {
    const document = await mergedDocument()
    expect(document['x-unavailable']).toEqual(['chat-service'])
    expect(document.info.description).toContain('chat-service')
  })

  it('is what the one /docs page shows', async () => {
    const res = await fetch(`${gateway.url}/docs`)
    expect(res.status).toBe(200)
    const html = await res.text()
    expect(html).toContain('/openapi.json')
  })
})
