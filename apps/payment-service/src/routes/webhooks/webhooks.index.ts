import { createRouter } from '@careforall/http'
import { type WebhookHandlerDeps, webhookHandlers } from './webhooks.handlers'
import * as routes from './webhooks.routes'

/** Provider callbacks: no token (the gateway lets them through); the signature is the credential. */
export function webhooksRouter(deps: WebhookHandlerDeps) {
  const handlers = webhookHandlers(deps)
  return createRouter().openapi(routes.receive, handlers.receive)
}
