import type { Logger } from '@careforall/logger'
import type { OpenAPIHono, RouteConfig, RouteHandler } from '@hono/zod-openapi'

/** The signed-in caller, set by `requireAuth()`. */
export interface AuthUser {
  id: string
  role: 'donor' | 'admin'
  sessionId?: string
}

export interface AppEnv {
  Variables: {
    requestId: string
    /** A child logger that stamps `requestId` (and `userId` once known) on every line. */
    logger: Logger
    user?: AuthUser
  }
}

export type AppOpenAPI = OpenAPIHono<AppEnv>
/** A handler typed by its route contract (w3cj's `AppRouteHandler`). */
export type AppRouteHandler<R extends RouteConfig> = RouteHandler<R, AppEnv>
