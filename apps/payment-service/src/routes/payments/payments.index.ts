import { createRouter, requireAuth, requireRole, type TokenVerifier } from '@careforall/http'
import { type PaymentHandlerDeps, paymentHandlers } from './payments.handlers'
import * as routes from './payments.routes'

export function paymentsRouter(deps: PaymentHandlerDeps & { verifier: TokenVerifier }) {
  const handlers = paymentHandlers(deps)
  const router = createRouter()
  const signedIn = requireAuth(deps.verifier)
  const admin = requireRole('admin')
  // Per route, not `/api/payments/*`: the provider's webhooks under that prefix carry no token.
  router.on('GET', '/api/payments', signedIn, admin)
  router.on('GET', '/api/payments/:id', signedIn)
  router.on('GET', '/api/payments/:id/webhooks', signedIn, admin)
  router.on('POST', '/api/payments/:id/capture', signedIn, admin)
  router.on('POST', '/api/payments/:id/refund', signedIn)
  return router
    .openapi(routes.list, handlers.list)
    .openapi(routes.get, handlers.get)
    .openapi(routes.capture, handlers.capture)
    .openapi(routes.refund, handlers.refund)
    .openapi(routes.webhooks, handlers.webhooks)
}
