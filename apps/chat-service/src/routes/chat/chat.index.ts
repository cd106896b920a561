import { createRouter, type TokenVerifier } from '@careforall/http'
import { type ChatHandlerDeps, chatHandlers } from './chat.handlers'
import * as routes from './chat.routes'

export function chatRouter(deps: ChatHandlerDeps & { verifier: TokenVerifier }) {
  const handlers = chatHandlers(deps)
  const router = createRouter({ verifier: deps.verifier })
  // The upgrade is documented like any route, and served by its own handler (it answers with a socket).
  router.openAPIRegistry.registerPath(routes.socket)
  router.get('/api/chat/campaigns/:campaignId/ws', handlers.upgrade)
  return router
    .openapi(routes.history, handlers.history)
    .openapi(routes.presence, handlers.presence)
    .openapi(routes.removeMessage, handlers.removeMessage)
    .openapi(routes.mute, handlers.mute)
    .openapi(routes.unmute, handlers.unmute)
}
