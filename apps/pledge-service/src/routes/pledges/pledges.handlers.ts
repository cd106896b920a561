import { fromCents, numericToCents, PledgeState } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import { type AppRouteHandler, cursorFrom, idempotently, nextCursorOf } from '@careforall/http'
import { donorKeyOf, receiptTokenOf } from '../../domain/donor'
import type { HistoryRow, PledgeRow } from '../../store/pledges'
import {
  createPledge,
  listPledgesFor,
  type PledgeDeps,
  pledgeStatistics,
  readPledge,
} from '../../usecases/pledges'
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

/** What anyone may see of a captured donation: the donor's name unless they asked to stay anonymous. */
function toPublicDonation(row: PledgeRow) {
  return {
    id: row.id,
    amount: money(row.amount),
    donorName: row.anonymous ? 'Anonymous' : (row.donorName ?? 'A donor'),
    createdAt: row.createdAt.toISOString(),
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
  /** STUCK_PLEDGE_SECONDS. */
  stuckAfterSeconds: number
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
    return idempotently<routes.CreateRoute>(c, { sql, scope, request: body }, async (tx) => {
      const { pledge, history } = await createPledge(tx, deps, caller, body, `request:${c.get('requestId')}`)
      const receipt = caller ? {} : { receiptToken: receiptTokenOf(pledge.id, deps.receiptTokenSecret) }
      return { status: 201, body: { ...toPledge(pledge), history: toHistory([history]), ...receipt } }
    })
  }

  const get: AppRouteHandler<routes.GetRoute> = async (c) => {
    const { id } = c.req.valid('param')
    const { receiptToken } = c.req.valid('query')
    const { pledge, history } = await readPledge(
      sql,
      deps.receiptTokenSecret,
      id,
      c.get('user'),
      receiptToken,
    )
    return c.json({ ...toPledge(pledge), history: toHistory(history) }, 200)
  }

  const list: AppRouteHandler<routes.ListRoute> = async (c) => {
    const query = c.req.valid('query')
    const { view, rows } = await listPledgesFor(
      sql,
      c.get('user'),
      query,
      { limit: query.limit, after: cursorFrom(query.cursor) },
      deps.stuckAfterSeconds,
    )
    const items = view === 'full' ? rows.map(toPledge) : rows.map(toPublicDonation)
    return c.json({ items, nextCursor: nextCursorOf(rows, query.limit, (r) => r) }, 200)
  }

  const stats: AppRouteHandler<routes.StatsRoute> = async (c) => {
    const { from, to } = c.req.valid('query')
    const figures = await pledgeStatistics(sql, { from, to }, deps.stuckAfterSeconds)
    const byState = {} as Record<PledgeState, { count: number; amount: number }>
    for (const state of PledgeState.options) {
      const { count, amountCents } = figures.byState[state]
      byState[state] = { count, amount: fromCents(amountCents) }
    }
    return c.json(
      {
        from: from ?? null,
        to: to ?? null,
        byState,
        stuck: figures.stuck,
        stuckAfterSeconds: deps.stuckAfterSeconds,
      },
      200,
    )
  }

  return { create, get, list, stats }
}
