import { timingSafeEqual } from 'node:crypto'
import type { Sql } from '@careforall/db'
import { createRouter, UnauthorizedError } from '@careforall/http'
import type { MiddlewareHandler } from 'hono'
import { operationHandlers } from './operations.handlers'
import * as routes from './operations.routes'

/** Like a PSP's secret API key: `Authorization: Bearer <SANDBOX_API_KEY>`, compared in constant time. */
function requireApiKey(apiKey: string): MiddlewareHandler {
  const expected = Buffer.from(`Bearer ${apiKey}`)
  return async (c, next) => {
    const given = Buffer.from(c.req.header('authorization') ?? '')
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) {
      throw new UnauthorizedError('A valid sandbox API key is required')
    }
    await next()
  }
}

export function operationsRouter(deps: { sql: Sql; apiKey: string; onAccepted: () => void }) {
  const handlers = operationHandlers(deps.sql, deps.onAccepted)
  const router = createRouter({ schemes: { sandboxKey: requireApiKey(deps.apiKey) } })
  router.openAPIRegistry.registerComponent('securitySchemes', 'sandboxKey', {
    type: 'http',
    scheme: 'bearer',
    description: 'The sandbox API key (SANDBOX_API_KEY)',
  })
  return router
    .openapi(routes.authorize, handlers.authorize)
    .openapi(routes.capture, handlers.capture)
    .openapi(routes.refund, handlers.refund)
    .openapi(routes.voidAuthorization, handlers.voidAuthorization)
    .openapi(routes.getAuthorization, handlers.getAuthorization)
    .openapi(routes.getCapture, handlers.getCapture)
    .openapi(routes.getRefund, handlers.getRefund)
}
