import { createApp, createTokenVerifier } from '@careforall/http'
import type { Logger } from '@careforall/logger'
import packageJson from '../package.json'
import type { OpenApiDocument } from './domain/merge-openapi'
import { SERVICE_KEYS, SERVICES, type Upstreams } from './domain/services'
import { adminPanel } from './routes/admin-panel/admin-panel'
import { mergedOpenApiHandler } from './routes/openapi/merged-openapi'
import { proxyRouter } from './routes/proxy/proxy.index'
import { responseHeaders } from './routes/response-headers'
import { statusRouter } from './routes/status/status.index'
import { answersHealth } from './upstream/probe'

export interface Deps {
  logger: Logger
  /** Base URL of each service, e.g. `{ campaign: 'http://127.0.0.1:3002', … }`. */
  upstreams: Upstreams
  /** How long a service may take to start answering a proxied request before a 504. */
  upstreamTimeoutMs: number
  bodyLimitBytes: number
  corsOrigins: string[]
  /** How long `/ready`, `/api/status` and the OpenAPI merge wait for each service. */
  probeTimeoutMs?: number
  /** How long the merged OpenAPI document is reused. */
  openApiCacheMs?: number
  /** The admin panel's build, served at /admin. */
  adminDir: string
}

/** Response headers clients may read across origins (replays, back-off hints, created ids). */
const EXPOSED_HEADERS = ['X-Request-Id', 'Idempotent-Replayed', 'Retry-After', 'Location']

const DESCRIPTION =
  'The one base URL: proxies /api/* to the services, merges their OpenAPI, reports their status.'

/** Builds the gateway's app; tests call this with upstreams they start themselves. */
export function buildApp(deps: Deps) {
  const probeTimeoutMs = deps.probeTimeoutMs ?? 2000
  const { upstreams } = deps
  let openApi: ReturnType<typeof mergedOpenApiHandler> | undefined
  const api = createApp({
    service: 'gateway-service',
    version: packageJson.version,
    description: DESCRIPTION,
    logger: deps.logger,
    // The gateway owns no data: it is ready when the services it fronts answer.
    readiness: Object.fromEntries(
      SERVICE_KEYS.map((key) => [SERVICES[key].name, () => answersHealth(upstreams[key], probeTimeoutMs)]),
    ),
    // CORS and security headers on every response, the operational routes' included, and the
    // merged document in place of the gateway's own /openapi.json.
    configure: (app) => {
      app.use(
        '*',
        responseHeaders({ origins: deps.corsOrigins, exposeHeaders: EXPOSED_HEADERS, maxAgeSeconds: 600 }),
      )
      app.get('/openapi.json', (c, next) => openApi!(c, next))
    },
  })
  api.route('/', statusRouter({ upstreams, probeTimeoutMs }))
  api.route('/', adminPanel({ dir: deps.adminDir }))
  api.route(
    '/',
    proxyRouter({
      upstreams,
      timeoutMs: deps.upstreamTimeoutMs,
      bodyLimitBytes: deps.bodyLimitBytes,
      corsOrigins: deps.corsOrigins,
      verifier: createTokenVerifier({
        jwksUrl: `${upstreams.auth}/api/auth/.well-known/jwks.json`,
        logger: deps.logger,
      }),
    }),
  )
  openApi = mergedOpenApiHandler({
    upstreams,
    probeTimeoutMs,
    cacheMs: deps.openApiCacheMs ?? 30_000,
    version: packageJson.version,
    gatewayDocument: () =>
      api.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'gateway-service', version: packageJson.version, description: DESCRIPTION },
      }) as unknown as OpenApiDocument,
  })
  return api
}
