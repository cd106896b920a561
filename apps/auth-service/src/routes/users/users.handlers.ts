import type { Sql } from '@careforall/db'
import { type AppRouteHandler, cursorFrom, nextCursorOf } from '@careforall/http'
import { listAudit } from '../../store/audit'
import { listUsers } from '../../store/users'
import type { AccountsDeps } from '../../usecases/accounts'
import { updateUser } from '../../usecases/users'
import { toUser } from '../schemas'
import type { AuditRoute, ListRoute, UpdateRoute } from './users.routes'

export function usersHandlers({ sql, accounts }: { sql: Sql; accounts: AccountsDeps }) {
  const list: AppRouteHandler<ListRoute> = async (c) => {
    const { q, limit, cursor } = c.req.valid('query')
    const rows = await listUsers(sql, { q, limit, after: cursorFrom(cursor) })
    return c.json({ items: rows.map(toUser), nextCursor: nextCursorOf(rows, limit, (row) => row) }, 200)
  }

  const update: AppRouteHandler<UpdateRoute> = async (c) => {
    const user = await updateUser(accounts, c.get('user')!.id, c.req.valid('param').id, c.req.valid('json'))
    return c.json(toUser(user), 200)
  }

  const audit: AppRouteHandler<AuditRoute> = async (c) => {
    const { limit, cursor, ...filter } = c.req.valid('query')
    const rows = await listAudit(sql, { ...filter, limit, after: cursorFrom(cursor) })
    const items = rows.map((row) => ({ ...row, at: row.at.toISOString() }))
    return c.json(
      { items, nextCursor: nextCursorOf(rows, limit, (row) => ({ createdAt: row.at, id: row.id })) },
      200,
    )
  }

  return { list, update, audit }
}
