import type { Handler } from 'hono'
import { mergeOpenApi, type OpenApiDocument, type ServiceDocument } from '../../domain/merge-openapi'
import { SERVICE_KEYS, SERVICES, type Upstreams } from '../../domain/services'
import { getJson } from '../../upstream/probe'

export interface MergedOpenApiOptions {
  upstreams: Upstreams
  probeTimeoutMs: number
  /** How long a merged document is served before the services are asked again. */
  cacheMs: number
  version: string
  /** The gateway's own document (its `/api/status`), built from its registered routes. */
  gatewayDocument: () => OpenApiDocument
}

const DESCRIPTION =
  'Every public operation of Care For All, as served at this one base URL. Each operation is ' +
  'tagged with the service that implements it; errors are `application/problem+json`.'

/** A document missing a service is kept only this long: the service is likely starting up. */
const INCOMPLETE_CACHE_MS = 5000

/**
 * Serves the platform's merged OpenAPI document. Documents change only on deploys, and `/docs`
 * loads this on every page view, so the merge is cached briefly; the promise is cached, so
 * concurrent requests share one round of upstream fetches. A down service is left out and named.
 */
export function mergedOpenApiHandler(options: MergedOpenApiOptions): Handler {
  let cached: { expires: number; merged: Promise<Merged> } | undefined
  return async (c) => {
    if (!cached || Date.now() >= cached.expires) {
      const entry = { expires: Date.now() + options.cacheMs, merged: build(options) }
      cached = entry
      void entry.merged.then(
        ({ unavailable }) => {
          if (unavailable.length > 0)
            entry.expires = Math.min(entry.expires, Date.now() + INCOMPLETE_CACHE_MS)
        },
        // A failed merge is not kept: the next request tries again.
        () => {
          entry.expires = 0
        },
      )
    }
    return c.json((await cached.merged).document)
  }
}

interface Merged {
  document: OpenApiDocument
  unavailable: string[]
}

async function build(options: MergedOpenApiOptions): Promise<Merged> {
  const fetched = await Promise.all(
    SERVICE_KEYS.map(async (key) => ({
      key,
      document: await fetchDocument(`${options.upstreams[key]}/openapi.json`, options.probeTimeoutMs),
    })),
  )
  const sources: ServiceDocument[] = [
    { prefix: 'gateway', tag: 'gateway-service', document: options.gatewayDocument() },
  ]
  const unavailable: string[] = []
  for (const { key, document } of fetched) {
    if (document) sources.push({ prefix: key, tag: SERVICES[key].name, document })
    else unavailable.push(SERVICES[key].name)
  }
  const document = mergeOpenApi(sources, {
    title: 'Care For All API',
    version: options.version,
    description: DESCRIPTION,
    unavailable,
  })
  return { document, unavailable }
}

async function fetchDocument(url: string, timeoutMs: number): Promise<OpenApiDocument | undefined> {
  try {
    const { status, body } = await getJson(url, timeoutMs)
    return status === 200 && isOpenApi(body) ? body : undefined
  } catch {
    return undefined
  }
}

function isOpenApi(body: unknown): body is OpenApiDocument {
  const candidate = body as Partial<OpenApiDocument> | undefined
  return typeof candidate?.openapi === 'string' && typeof candidate.info === 'object'
}
