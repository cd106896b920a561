import { type CampaignStatus, centsToNumeric, Events, numericToCents, toCents } from '@careforall/contracts'
import { type Sql, type TransactionSql, withTransaction } from '@careforall/db'
import {
  type AuthUser,
  ConflictError,
  ForbiddenError,
  NotFoundError,
  UnprocessableError,
} from '@careforall/http'
import type { Logger } from '@careforall/logger'
import { publish } from '@careforall/messaging'
import { assertMove, IllegalMoveError, isEditable } from './domain/lifecycle'
import {
  type CampaignChanges,
  type CampaignRow,
  claimEnded,
  deleteCampaign,
  findCampaign,
  insertCampaign,
  updateCampaign,
} from './store/campaigns'

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
export function assertCanManage(user: AuthUser, campaign: CampaignRow): void {
  if (user.role !== 'admin' && user.id !== campaign.ownerId) {
    throw new ForbiddenError('Only the campaign owner or an admin can change it')
  }
}

/** Whether a caller may see a campaign: drafts only by their owner and admins. */
export function canSee(user: AuthUser | undefined, campaign: CampaignRow): boolean {
  return campaign.status !== 'DRAFT' || user?.role === 'admin' || user?.id === campaign.ownerId
}

export class Campaigns {
  constructor(
    private readonly sql: Sql,
    private readonly logger: Logger,
  ) {}

  /** A new campaign starts as a DRAFT owned by its creator; `campaign.created` goes out with it. */
  create(owner: AuthUser, input: NewCampaign): Promise<CampaignRow> {
    return withTransaction(
      this.sql,
      async (tx) => {
        const row = await insertCampaign(tx, {
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
  update(user: AuthUser, id: string, patch: CampaignPatch): Promise<CampaignRow> {
    return withTransaction(
      this.sql,
      async (tx) => {
        const current = await findCampaign(tx, id, true)
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
          goalAmount:
            fields.goalAmount === undefined ? undefined : centsToNumeric(toCents(fields.goalAmount)),
          startDate: fields.startDate ? startDate : undefined,
          endDate: fields.endDate ? endDate : undefined,
          status,
        }
        const row = await updateCampaign(tx, id, changes)
        await emit(tx, status === 'COMPLETED' ? Events.CampaignCompleted : Events.CampaignUpdated, row)
        return row
      },
      { name: 'campaign.update' },
    )
  }

  /** Only a DRAFT can be deleted: once a campaign was public, donations may point at it. */
  remove(user: AuthUser, id: string): Promise<void> {
    return withTransaction(this.sql, async (tx) => {
      const current = await findCampaign(tx, id, true)
      if (!current || !canSee(user, current)) throw new NotFoundError('No campaign with this id')
      assertCanManage(user, current)
      if (current.status !== 'DRAFT') {
        throw new ConflictError(`Only a DRAFT campaign can be deleted; this one is ${current.status}`, {
          campaignStatus: current.status,
        })
      }
      await deleteCampaign(tx, id)
    })
  }

  /** Completes campaigns whose end date has passed; safe to run on every instance at once. */
  async completeEnded(batch = 100): Promise<number> {
    const completed = await withTransaction(
      this.sql,
      async (tx) => {
        const ended = await claimEnded(tx, batch)
        for (const campaign of ended) {
          const row = await updateCampaign(tx, campaign.id, { status: 'COMPLETED' })
          await emit(tx, Events.CampaignCompleted, row)
        }
        return ended.length
      },
      { name: 'campaign.sweep' },
    )
    if (completed > 0) this.logger.info({ completed }, 'ended campaigns completed')
    return completed
  }
}
