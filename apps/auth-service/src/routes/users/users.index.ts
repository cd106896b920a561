import type { Sql } from '@careforall/db'
import { createRouter, type TokenVerifier } from '@careforall/http'
import type { AccountsDeps } from '../../usecases/accounts'
import { usersHandlers } from './users.handlers'
import * as routes from './users.routes'

/** Admin-only: the user list, role and status changes, and their audit log. */
export function usersRouter(deps: { sql: Sql; accounts: AccountsDeps; verifier: TokenVerifier }) {
  const handlers = usersHandlers(deps)
  return createRouter({ verifier: deps.verifier })
    .openapi(routes.list, handlers.list)
    .openapi(routes.update, handlers.update)
    .openapi(routes.audit, handlers.audit)
}
