import { numericToCents } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import {
  type AppRouteHandler,
  BadRequestError,
  cursorFrom,
  ForbiddenError,
  idempotently,
  NotFoundError,
  nextCursorOf,
  UnauthorizedError,
} from '@careforall/http'
import { donorKeyOf, isValidReceiptToken, receiptTokenOf } from '../../domain/donor'
import { createPledge, type PledgeDeps } from '../../pledges'
import { findPledge, type HistoryRow, historyOf, listPledges, type PledgeRow } from '../../store/pledges'
import type * as routes from './pledges.routes'

const money = (numeric: string) => numericToCents(numeric) / 100

function toPledge(row: PledgeRow) {
  return {
    id: row.id,
    campaignId: row.campaignId,
    userId: row.userId,
    donorName: row.donorName,
    anonymous: row.anonymous,
    amount: money(row.amount),
    refundedAmount: money(row.refundedAmount),
    paymentMethod: row.paymentMethod,
    state: row.state,
    paymentId: row.paymentId,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

function toHistory(rows: HistoryRow[]) {
  return rows.map((row) => ({
    from: row.fromState,
    to: row.toState,
    causeEventId: row.causeEventId,
    at: row.at.toISOString(),
  }))
}

export interface PledgeHandlerDeps extends PledgeDeps {
  sql: Sql
  receiptTokenSecret: string
}

export function pledgeHandlers(deps: PledgeHandlerDeps) {
  const { sql } = deps

  const create: AppRouteHandler<routes.CreateRoute> = (c) => {
    const body = c.req.valid('json')
    const caller = c.get('user')
    // Keys belong to the caller: the user, or the guest's email (hashed like a donor key).
    const scope = caller
      ? `user:${caller.id}`
      : `guest:${donorKeyOf({ email: body.donorEmail ?? '' }, deps.donorKeySecret)}`
    return idempotently(c, { sql, scope, request: body }, async (tx) => {
      const { pledge, history } = await createPledge(tx, deps, caller, body, `request:${c.get('requestId')}`)
      const receipt = caller ? {} : { receiptToken: receiptTokenOf(pledge.id, deps.receiptTokenSecret) }
      return { status: 201, body: { ...toPledge(pledge), history: toHistory([history]), ...receipt } }
    }) as never
  }

  const get: AppRouteHandler<routes.GetRoute> = async (c) => {
    const { id } = c.req.valid('param')
    const { receiptToken } = c.req.valid('query')
    const pledge = await findPledge(sql, id)
    const caller = c.get('user')
    const allowed =
      pledge &&
      (caller?.role === 'admin' ||
        (caller && pledge.userId === caller.id) ||
        (receiptToken !== undefined && isValidReceiptToken(pledge.id, receiptToken, deps.receiptTokenSecret)))
    // Someone else's pledge is answered like a missing one: nothing about donors leaks.
    if (!pledge || !allowed) throw new NotFoundError('No pledge with this id')
    return c.json({ ...toPledge(pledge), history: toHistory(await historyOf(sql, pledge.id)) }, 200)
  }

  const list: AppRouteHandler<routes.ListRoute> = async (c) => {
    const query = c.req.valid('query')
    const caller = c.get('user')
    const after = cursorFrom(query.cursor)
    const adminFilters = query.state !== undefined || query.from !== undefined || query.to !== undefined
    if (adminFilters && caller?.role !== 'admin') {
      if (!caller) throw new UnauthorizedError()
      throw new ForbiddenError('Filtering by state or date is for admins')
    }
    const page = (rows: PledgeRow[], items: unknown[]) =>
      c.json({ items, nextCursor: nextCursorOf(rows, query.limit, (r) => r) } as never, 200)

    if (query.mine === 'true') {
      if (!caller) throw new UnauthorizedError()
      const rows = await listPledges(sql, {
        userId: caller.id,
        campaignId: query.campaignId,
        limit: query.limit,
        after,
      })
      return page(rows, rows.map(toPledge))
    }
    if (caller?.role === 'admin' && (adminFilters || query.campaignId === undefined)) {
      const rows = await listPledges(sql, {
        campaignId: query.campaignId,
        states: query.state ? [query.state] : undefined,
        from: query.from,
        to: query.to,
        limit: query.limit,
        after,
      })
      return page(rows, rows.map(toPledge))
    }
    if (query.campaignId === undefined) throw new BadRequestError('Give campaignId, or mine=true')
    const rows = await listPledges(sql, {
      campaignId: query.campaignId,
      states: ['CAPTURED'],
      limit: query.limit,
      after,
    })
    const items = rows.map((row) => ({
      id: row.id,
      amount: money(row.amount),
      donorName: row.anonymous ? 'Anonymous' : (row.donorName ?? 'A donor'),
      createdAt: row.createdAt.toISOString(),
    }))
    return page(rows, items)
  }

  return { create, get, list }
}
