import type { Sql } from '@careforall/db'
import { createRouter, requireAuth, requireRole, type TokenVerifier } from '@careforall/http'
import type { Accounts } from '../../accounts'
import { usersHandlers } from './users.handlers'
import * as routes from './users.routes'

/** Admin-only: the user list, role and status changes, and their audit log. */
export function usersRouter(deps: { sql: Sql; accounts: Accounts; verifier: TokenVerifier }) {
  const handlers = usersHandlers(deps)
  const router = createRouter()
  const adminOnly = [requireAuth(deps.verifier), requireRole('admin')] as const
  router.use('/api/auth/users', ...adminOnly)
  router.use('/api/auth/users/*', ...adminOnly)
  router.use('/api/auth/audit', ...adminOnly)
  return router
    .openapi(routes.list, handlers.list)
    .openapi(routes.update, handlers.update)
    .openapi(routes.audit, handlers.audit)
}
