import { describe, expect, it } from 'bun:test'
import { mergeOpenApi, type OpenApiDocument, type ServiceDocument } from './merge-openapi'

const info = { title: 't', version: '1' }
const meta = { title: 'All', version: '1', description: 'Everything.', unavailable: [] }

function source(prefix: string, document: Partial<OpenApiDocument>): ServiceDocument {
  return { prefix, tag: `${prefix}-service`, document: { openapi: '3.1.0', info, ...document } }
}

describe('mergeOpenApi', () => {
  it('renames components per service and rewrites refs, nested refs and discriminator mappings', () => {
    const pet = {
      oneOf: [{ $ref: '#/components/schemas/Cat' }, { $ref: '#/components/schemas/Dog' }],
      discriminator: { propertyName: 'kind', mapping: { cat: '#/components/schemas/Cat' } },
    }
    const merged = mergeOpenApi(
      [
        source('a', {
          paths: {
            '/api/a': {
              get: { responses: { 200: { $ref: '#/components/responses/Ok' } } },
              parameters: [{ $ref: '#/components/parameters/Id' }],
            },
          },
          components: {
            schemas: { Pet: pet, Cat: { type: 'object' }, Dog: { type: 'object' } },
            responses: {
              Ok: {
                description: 'ok',
                content: { 'application/json': { schema: { $ref: '#/components/schemas/Pet' } } },
              },
            },
            parameters: { Id: { name: 'id', in: 'query', schema: { type: 'string' } } },
          },
        }),
        source('b', { components: { schemas: { Cat: { type: 'string' } } } }),
      ],
      meta,
    )
    expect(Object.keys(merged.components?.schemas ?? {})).toEqual(['a.Pet', 'a.Cat', 'a.Dog', 'b.Cat'])
    expect(merged.components?.schemas?.['a.Pet']).toEqual({
      oneOf: [{ $ref: '#/components/schemas/a.Cat' }, { $ref: '#/components/schemas/a.Dog' }],
      discriminator: { propertyName: 'kind', mapping: { cat: '#/components/schemas/a.Cat' } },
    })
    expect(merged.paths?.['/api/a']).toEqual({
      get: { tags: ['a-service'], responses: { 200: { $ref: '#/components/responses/a.Ok' } } },
      parameters: [{ $ref: '#/components/parameters/a.Id' }],
    })
  })

  it('keeps only /api/ paths', () => {
    const merged = mergeOpenApi(
      [source('a', { paths: { '/health': { get: {} }, '/internal/x': { get: {} }, '/api/x': { get: {} } } })],
      meta,
    )
    expect(Object.keys(merged.paths ?? {})).toEqual(['/api/x'])
  })

  it('shares a security scheme defined alike everywhere and renames one that differs', () => {
    const bearer = { type: 'http', scheme: 'bearer' }
    const merged = mergeOpenApi(
      [
        source('a', {
          security: [{ bearer: [] }, { key: [] }],
          paths: { '/api/a': { get: {} } },
          components: { securitySchemes: { bearer, key: { type: 'apiKey', in: 'header', name: 'x-a' } } },
        }),
        source('b', {
          paths: { '/api/b': { post: { security: [{ key: [] }] } } },
          components: { securitySchemes: { bearer, key: { type: 'apiKey', in: 'header', name: 'x-b' } } },
        }),
      ],
      meta,
    )
    expect(Object.keys(merged.components?.securitySchemes ?? {})).toEqual(['bearer', 'a.key', 'b.key'])
    expect(merged.paths?.['/api/a']?.get).toEqual({
      tags: ['a-service'],
      security: [{ bearer: [] }, { 'a.key': [] }],
    })
    expect(merged.paths?.['/api/b']?.post).toEqual({ tags: ['b-service'], security: [{ 'b.key': [] }] })
  })

  it('gives a clashing operationId the name of its service', () => {
    const merged = mergeOpenApi(
      [
        source('a', { paths: { '/api/a': { get: { operationId: 'list' } } } }),
        source('b', { paths: { '/api/b': { get: { operationId: 'list' } } } }),
      ],
      meta,
    )
    expect(merged.paths?.['/api/a']?.get).toMatchObject({ operationId: 'list' })
    expect(merged.paths?.['/api/b']?.get).toMatchObject({ operationId: 'b-service.list' })
  })

  it('names the services it could not read', () => {
    const merged = mergeOpenApi([], { ...meta, unavailable: ['chat-service'] })
    expect(merged['x-unavailable']).toEqual(['chat-service'])
    expect(merged.info.description).toContain('chat-service')
  })
})
