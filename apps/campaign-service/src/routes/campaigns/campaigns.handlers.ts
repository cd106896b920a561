import { numericToCents } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import { type AppRouteHandler, cursorFrom, NotFoundError, nextCursorOf } from '@careforall/http'
import type { CampaignRow } from '../../store/campaigns'
import { findCampaign } from '../../store/campaigns'
import type { CurrentAmount } from '../../totals-client'
import {
  changeCampaign,
  createCampaign,
  listCampaignsFor,
  readCampaign,
  removeCampaign,
} from '../../usecases/campaigns'
import type * as routes from './campaigns.routes'

export function toSummary(row: CampaignRow) {
  return {
    id: row.id,
    title: row.title,
    description: row.description,
    goalAmount: numericToCents(row.goalAmount) / 100,
    status: row.status,
    ownerId: row.ownerId,
    startDate: row.startDate.toISOString(),
    endDate: row.endDate.toISOString(),
    version: row.version,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  }
}

export function campaignHandlers({ sql, currentAmount }: { sql: Sql; currentAmount: CurrentAmount }) {
  const create: AppRouteHandler<routes.CreateRoute> = async (c) =>
    c.json(toSummary(await createCampaign(sql, c.get('user')!, c.req.valid('json'))), 201)

  const list: AppRouteHandler<routes.ListRoute> = async (c) => {
    const { status, ownerId, q, limit, cursor } = c.req.valid('query')
    const rows = await listCampaignsFor(sql, c.get('user'), {
      status,
      ownerId,
      q,
      limit,
      after: cursorFrom(cursor),
    })
    return c.json({ items: rows.map(toSummary), nextCursor: nextCursorOf(rows, limit, (row) => row) }, 200)
  }

  const get: AppRouteHandler<routes.GetRoute> = async (c) => {
    const row = await readCampaign(sql, c.get('user'), c.req.valid('param').id)
    return c.json({ ...toSummary(row), currentAmount: await currentAmount(row.id) }, 200)
  }

  const update: AppRouteHandler<routes.UpdateRoute> = async (c) =>
    c.json(
      toSummary(await changeCampaign(sql, c.get('user')!, c.req.valid('param').id, c.req.valid('json'))),
      200,
    )

  const remove: AppRouteHandler<routes.RemoveRoute> = async (c) => {
    await removeCampaign(sql, c.get('user')!, c.req.valid('param').id)
    return c.body(null, 204)
  }

  const internalGet: AppRouteHandler<routes.InternalGetRoute> = async (c) => {
    const row = await findCampaign(sql, c.req.valid('param').id)
    if (!row) throw new NotFoundError('No campaign with this id')
    return c.json(toSummary(row), 200)
  }

  return { create, list, get, update, remove, internalGet }
}
