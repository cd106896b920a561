import { createApp, dependencyChecks } from '@careforall/http'
import type { ServiceDeps } from '@careforall/service'
import type { Env } from './env'

/** What the app is built from: the common parts every service has. */
export type Deps = ServiceDeps<Env>

/** Builds the chat service's app; tests call this with their own database and vhost. */
export function buildApp(deps: Deps) {
  const app = createApp({
    service: 'chat-service',
    description: 'Campaign chat rooms over WebSocket, with history and presence.',
    logger: deps.logger,
    readiness: dependencyChecks(deps),
  })
  return app
}
