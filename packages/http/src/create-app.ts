import type { Logger } from '@careforall/logger'
import { OpenAPIHono, type RouteConfig } from '@hono/zod-openapi'
import type { Context, MiddlewareHandler } from 'hono'
import { requestId } from 'hono/request-id'
import { guardsFor, type RouterAuth } from './auth/security'
import { BadRequestError, mapError } from './errors'
import { type ReadinessChecks, registerOps } from './ops'
import { problemResponse, statusProblem } from './problem'
import { redactUrl } from './redact'
import { telemetry } from './telemetry'
import type { AppEnv, AppOpenAPI } from './types'

export interface CreateAppOptions {
  /** `campaign-service`, …: names logs, spans and the OpenAPI document. */
  service: string
  version?: string
  description?: string
  logger: Logger
  /** Dependencies `/ready` checks (`postgres`, `rabbitmq`, `redis`, upstreams, …). */
  readiness?: ReadinessChecks
  /**
   * Runs after request id, tracing and logging and before the operational routes, so what it adds
   * covers them too and wins over them (in Hono the first handler that answers wins): the
   * gateway's CORS and security headers, and its merged `/openapi.json` in place of its own.
   */
  configure?: (app: AppOpenAPI) => void
  /** What routes declared on the app itself (not on a mounted router) are guarded with. */
  auth?: RouterAuth
}

const QUIET_PATHS = new Set(['/health', '/ready', '/metrics'])

export { redactUrl } from './redact'

/**
 * A router whose Zod validation failures become the platform's 400 problem (the default hook),
 * for the per-resource routers that `createApp()`'s app mounts. Each route's declared `security`
 * (`Security.user`, `.admin`, `.optionalUser`, `.internal`) is enforced with what `auth` holds;
 * a route that declares a scheme its router cannot check stops the service at start-up.
 */
export function createRouter(auth: RouterAuth = {}): AppOpenAPI {
  const router = new OpenAPIHono<AppEnv>({ strict: false, defaultHook: validationHook })
  // Every route is guarded by what it declares: its `security` becomes its first middleware.
  const openapi = router.openapi.bind(router)
  router.openapi = ((route, handler, hook) => {
    const guards = guardsFor(route, auth)
    if (guards.length === 0) return openapi(route, handler, hook)
    const own = route.middleware === undefined ? [] : [route.middleware].flat()
    return openapi({ ...route, middleware: [...guards, ...own] }, handler, hook)
  }) as AppOpenAPI['openapi']
  return router
}

/**
 * A route with more middleware of its own (rate limits), run after its declared security and
 * before validation: attached to the route itself, never to a path string that could drift from it.
 */
export function withMiddleware<R extends RouteConfig>(
  route: R,
  ...middleware: MiddlewareHandler<AppEnv>[]
): R {
  const own = route.middleware === undefined ? [] : [route.middleware].flat()
  return { ...route, middleware: [...own, ...middleware] }
}

/**
 * The 400 for input that failed its schema, naming each field: what the routes' Zod hook answers,
 * for a handler that validates by hand (a WebSocket upgrade, which is not a JSON route).
 */
export function invalidRequest(issues: { path: PropertyKey[]; message: string }[]): BadRequestError {
  const errors = issues.map((issue) => ({
    path: issue.path.map(String).join('.') || '(root)',
    message: issue.message,
  }))
  return new BadRequestError('The request is invalid', { errors })
}

function validationHook(
  result: { success: boolean; error?: { issues: { path: PropertyKey[]; message: string }[] } },
  c: Context<AppEnv>,
): Response | undefined {
  if (result.success || !result.error) return undefined
  const { problem } = mapError(invalidRequest(result.error.issues), c.get('requestId'))
  return problemResponse({
    ...problem,
    type: 'https://careforall.dev/problems/validation-failed',
    title: 'Validation Failed',
  })
}

/**
 * The one way a service builds its Hono app: request id, trace span and RED metrics, one log line
 * per request, problem+json for every error (5xx masked), a Zod default hook, not-found, and the
 * operational routes (`/health`, `/ready`, `/metrics`, `/openapi.json`, `/docs`).
 */
export function createApp(options: CreateAppOptions): AppOpenAPI {
  const app = createRouter(options.auth)
  app.use(
    '*',
    requestId({ limitLength: 128 }),
    telemetry({ service: options.service, ...(options.version ? { version: options.version } : {}) }),
    requestLogger(options.logger),
  )
  app.notFound((c) => statusProblem(c, 404, `No route for ${c.req.method} ${c.req.path}`))
  app.onError((error, c) => {
    const { problem, headers, unexpected } = mapError(error, c.get('requestId'))
    const logger = c.get('logger') ?? options.logger
    if (unexpected) logger.error({ err: error }, 'request failed')
    return problemResponse(problem, headers)
  })
  options.configure?.(app)
  registerOps(app, options)
  return app
}

function requestLogger(base: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now()
    const requestId = c.get('requestId')
    const lazy = lazyChild(base, { requestId })
    c.set('logger', lazy.logger)
    await next()
    // hono/request-id sets the header before next(); a handler that returns its own Response
    // (problems, proxied answers) drops it, so it is set again on the way out. Set on the
    // response's own headers: `c.header()` would copy the whole response to add one header.
    setResponseHeader(c, 'X-Request-Id', c.get('requestId'))
    // The path as sent (not decoded, unlike `c.req.path`), sliced rather than parsed with `new URL`.
    const url = c.req.url
    const pathStart = url.indexOf('/', url.indexOf(':') + 3)
    const queryStart = url.indexOf('?', pathStart)
    const pathname = queryStart === -1 ? url.slice(pathStart) : url.slice(pathStart, queryStart)
    const user = c.get('user')
    // Probes and scrapes arrive every few seconds: keep them out of the info stream.
    const level = QUIET_PATHS.has(pathname) ? 'debug' : 'info'
    // Through the request's own logger when something made it (it may carry the user); otherwise
    // the base logger with the request id as a field: the same line, without a child per request.
    const logger = c.get('logger')
    const made = logger !== lazy.logger || lazy.made()
    ;(made ? logger : base)[level](
      {
        ...(made ? {} : { requestId }),
        method: c.req.method,
        path:
          queryStart === -1 || queryStart === url.length - 1
            ? pathname
            : redactUrl(pathname + url.slice(queryStart)),
        status: c.res.status,
        durationMs: Math.round((performance.now() - started) * 100) / 100,
        ...(user ? { userId: user.id } : {}),
      },
      'request completed',
    )
  }
}

/**
 * A request's logger (`base.child(bindings)`), made the first time anything uses it. Most requests
 * log only their closing line, which needs no child: pino's `child()` serializes its bindings
 * and was a tenth of the gateway's CPU per proxied request.
 */
function lazyChild(base: Logger, bindings: Record<string, string>): { logger: Logger; made(): boolean } {
  let child: Logger | undefined
  const logger: Logger = new Proxy(base, {
    get(_target, property) {
      child ??= base.child(bindings)
      const value = Reflect.get(child, property, child) as unknown
      return typeof value === 'function' ? value.bind(child) : value
    },
  })
  return { logger, made: () => child !== undefined }
}

/** Sets a header on the finished response in place, or through a copy where its headers are immutable. */
function setResponseHeader(c: Context<AppEnv>, name: string, value: string): void {
  try {
    c.res.headers.set(name, value)
  } catch {
    c.header(name, value)
  }
}
