import { createRouter, type TokenVerifier } from '@careforall/http'
import { type PaymentHandlerDeps, paymentHandlers } from './payments.handlers'
import * as routes from './payments.routes'

export function paymentsRouter(deps: PaymentHandlerDeps & { verifier: TokenVerifier }) {
  const handlers = paymentHandlers(deps)
  return createRouter({ verifier: deps.verifier })
    .openapi(routes.list, handlers.list)
    .openapi(routes.get, handlers.get)
    .openapi(routes.capture, handlers.capture)
    .openapi(routes.refund, handlers.refund)
    .openapi(routes.webhooks, handlers.webhooks)
}
