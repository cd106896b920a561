import { type CampaignStatus, centsToNumeric, Events, numericToCents, toCents } from '@careforall/contracts'
import { type Queryable, type Sql, type TransactionSql, withTransaction } from '@careforall/db'
import {
  type AuthUser,
  ConflictError,
  ForbiddenError,
  isAdminOr,
  NotFoundError,
  UnprocessableError,
} from '@careforall/http'
import type { Logger } from '@careforall/logger'
import { publish } from '@careforall/messaging'
import { assertMove, IllegalMoveError, isEditable } from '../domain/lifecycle'
import type { CampaignChanges, CampaignRow, ListFilter } from '../store/campaigns'
import * as store from '../store/campaigns'

const SOURCE = 'campaign-service'

export interface NewCampaign {
  title: string
  description: string
  goalAmount: number
  startDate: string
  endDate: string
}

export interface CampaignPatch extends Partial<NewCampaign> {
  status?: CampaignStatus | undefined
}

/** The event payload every campaign event carries (DESIGN.md): money in cents, dates ISO. */
function eventData(row: CampaignRow) {
  return {
    campaignId: row.id,
    ownerId: row.ownerId,
    status: row.status,
    goalCents: numericToCents(row.goalAmount),
    startDate: row.startDate.toISOString(),
    endDate: row.endDate.toISOString(),
    version: row.version,
  }
}

async function emit(
  tx: TransactionSql,
  type: (typeof Events)['CampaignCreated' | 'CampaignUpdated' | 'CampaignCompleted'],
  row: CampaignRow,
) {
  await publish(tx, SOURCE, {
    type,
    aggregate: 'campaign',
    aggregateId: row.id,
    subject: row.id,
    data: eventData(row),
  })
}

/** Who may change a campaign: its owner or an admin. */
function assertCanManage(user: AuthUser, campaign: CampaignRow): void {
  if (!isAdminOr(user, campaign.ownerId)) {
    throw new ForbiddenError('Only the campaign owner or an admin can change it')
  }
}

/** Whether a caller may see a campaign: drafts only by their owner and admins. */
function canSee(user: AuthUser | undefined, campaign: CampaignRow): boolean {
  return campaign.status !== 'DRAFT' || isAdminOr(user, campaign.ownerId)
}

/** A campaign as the caller may see it; a draft of someone else's does not exist for them. */
export async function readCampaign(
  sql: Queryable,
  user: AuthUser | undefined,
  id: string,
): Promise<CampaignRow> {
  const row = await store.findCampaign(sql, id)
  if (!row || !canSee(user, row)) throw new NotFoundError('No campaign with this id')
  return row
}

/** A page of campaigns: everyone's public ones, and the drafts the caller may see. */
export function listCampaignsFor(
  sql: Queryable,
  user: AuthUser | undefined,
  filter: Omit<ListFilter, 'draftsOf'>,
): Promise<CampaignRow[]> {
  const draftsOf = user?.role === 'admin' ? 'all' : user ? { ownerId: user.id } : 'none'
  return store.listCampaigns(sql, { ...filter, draftsOf })
}

/** A new campaign starts as a DRAFT owned by its creator; `campaign.created` goes out with it. */
export function createCampaign(sql: Sql, owner: AuthUser, input: NewCampaign): Promise<CampaignRow> {
  return withTransaction(
    sql,
    async (tx) => {
      const row = await store.insertCampaign(tx, {
        title: input.title,
        description: input.description,
        goalAmount: centsToNumeric(toCents(input.goalAmount)),
        ownerId: owner.id,
        startDate: new Date(input.startDate),
        endDate: new Date(input.endDate),
      })
      await emit(tx, Events.CampaignCreated, row)
      return row
    },
    { name: 'campaign.create' },
  )
}

/**
 * Field changes and/or a status move, checked against the lifecycle under a row lock. A move to
 * COMPLETED emits only `campaign.completed`; anything else emits `campaign.updated`.
 */
export function changeCampaign(
  sql: Sql,
  user: AuthUser,
  id: string,
  patch: CampaignPatch,
): Promise<CampaignRow> {
  return withTransaction(
    sql,
    async (tx) => {
      const current = await store.findCampaign(tx, id, true)
      if (!current || !canSee(user, current)) throw new NotFoundError('No campaign with this id')
      assertCanManage(user, current)
      const { status, ...fields } = patch
      const hasFields = Object.values(fields).some((value) => value !== undefined)
      if (hasFields && !isEditable(current.status))
        throw new ConflictError('A completed campaign cannot be edited')
      if (status !== undefined) {
        try {
          assertMove(current.status, status)
        } catch (error) {
          if (error instanceof IllegalMoveError)
            throw new ConflictError(error.message, { allowed: error.allowed })
          throw error
        }
      }
      const startDate = fields.startDate ? new Date(fields.startDate) : current.startDate
      const endDate = fields.endDate ? new Date(fields.endDate) : current.endDate
      if (endDate <= startDate) throw new UnprocessableError('endDate must be after startDate')
      const changes: CampaignChanges = {
        title: fields.title,
        description: fields.description,
        goalAmount: fields.goalAmount === undefined ? undefined : centsToNumeric(toCents(fields.goalAmount)),
        startDate: fields.startDate ? startDate : undefined,
        endDate: fields.endDate ? endDate : undefined,
        status,
      }
      const row = await store.updateCampaign(tx, id, changes)
      await emit(tx, status === 'COMPLETED' ? Events.CampaignCompleted : Events.CampaignUpdated, row)
      return row
    },
    { name: 'campaign.update' },
  )
}

/** Only a DRAFT can be deleted: once a campaign was public, donations may point at it. */
export function removeCampaign(sql: Sql, user: AuthUser, id: string): Promise<void> {
  return withTransaction(sql, async (tx) => {
    const current = await store.findCampaign(tx, id, true)
    if (!current || !canSee(user, current)) throw new NotFoundError('No campaign with this id')
    assertCanManage(user, current)
    if (current.status !== 'DRAFT') {
      throw new ConflictError(`Only a DRAFT campaign can be deleted; this one is ${current.status}`, {
        campaignStatus: current.status,
      })
    }
    await store.deleteCampaign(tx, id)
  })
}

/** Completes campaigns whose end date has passed; safe to run on every instance at once. */
export async function completeEndedCampaigns(sql: Sql, logger: Logger, batch = 100): Promise<number> {
  const completed = await withTransaction(
    sql,
    async (tx) => {
      const ended = await store.claimEnded(tx, batch)
      for (const campaign of ended) {
        const row = await store.updateCampaign(tx, campaign.id, { status: 'COMPLETED' })
        await emit(tx, Events.CampaignCompleted, row)
      }
      return ended.length
    },
    { name: 'campaign.sweep' },
  )
  if (completed > 0) logger.info({ completed }, 'ended campaigns completed')
  return completed
}
