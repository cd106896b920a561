import type { CampaignStatus } from '@careforall/contracts'
import type { Queryable } from '@careforall/db'

export interface CampaignRow {
  id: string
  title: string
  description: string
  goalAmount: string
  status: CampaignStatus
  ownerId: string
  startDate: Date
  endDate: Date
  version: number
  createdAt: Date
  updatedAt: Date
}

const COLUMNS =
  'id, title, description, goal_amount, status, owner_id, start_date, end_date, version, created_at, updated_at'

export async function insertCampaign(
  sql: Queryable,
  campaign: {
    title: string
    description: string
    goalAmount: string
    ownerId: string
    startDate: Date
    endDate: Date
  },
): Promise<CampaignRow> {
  const [row] = await sql<CampaignRow[]>`
    insert into campaigns (id, title, description, goal_amount, status, owner_id, start_date, end_date)
    values (${Bun.randomUUIDv7()}, ${campaign.title}, ${campaign.description}, ${campaign.goalAmount}, 'DRAFT',
            ${campaign.ownerId}, ${campaign.startDate}, ${campaign.endDate})
    returning ${sql.unsafe(COLUMNS)}`
  return row!
}

export async function findCampaign(
  sql: Queryable,
  id: string,
  lock = false,
): Promise<CampaignRow | undefined> {
  const [row] = await sql<CampaignRow[]>`
    select ${sql.unsafe(COLUMNS)} from campaigns where id = ${id} ${lock ? sql`for update` : sql``}`
  return row
}

export interface CampaignChanges {
  title?: string | undefined
  description?: string | undefined
  goalAmount?: string | undefined
  startDate?: Date | undefined
  endDate?: Date | undefined
  status?: CampaignStatus | undefined
}

export async function updateCampaign(
  sql: Queryable,
  id: string,
  changes: CampaignChanges,
): Promise<CampaignRow> {
  const [row] = await sql<CampaignRow[]>`
    update campaigns set
      title = coalesce(${changes.title ?? null}, title),
      description = coalesce(${changes.description ?? null}, description),
      goal_amount = coalesce(${changes.goalAmount ?? null}::numeric, goal_amount),
      start_date = coalesce(${changes.startDate ?? null}::timestamptz, start_date),
      end_date = coalesce(${changes.endDate ?? null}::timestamptz, end_date),
      status = coalesce(${changes.status ?? null}, status),
      version = version + 1,
      updated_at = now()
    where id = ${id}
    returning ${sql.unsafe(COLUMNS)}`
  return row!
}

export async function deleteCampaign(sql: Queryable, id: string): Promise<void> {
  await sql`delete from campaigns where id = ${id}`
}

export interface ListFilter {
  status?: CampaignStatus | undefined
  ownerId?: string | undefined
  q?: string | undefined
  /** Who may see drafts: every draft (admin), one owner's drafts, or none (anonymous). */
  draftsOf: 'all' | 'none' | { ownerId: string }
  limit: number
  after?: { createdAt: string; id: string } | undefined
}

/** Newest first, keyset-paged on (created_at, id); `q` filters by full-text match only. */
export async function listCampaigns(sql: Queryable, filter: ListFilter): Promise<CampaignRow[]> {
  const drafts =
    filter.draftsOf === 'all'
      ? sql``
      : filter.draftsOf === 'none'
        ? sql`and status <> 'DRAFT'`
        : sql`and (status <> 'DRAFT' or owner_id = ${filter.draftsOf.ownerId})`
  return sql<CampaignRow[]>`
    select ${sql.unsafe(COLUMNS)} from campaigns
    where true
      ${drafts}
      ${filter.status ? sql`and status = ${filter.status}` : sql``}
      ${filter.ownerId ? sql`and owner_id = ${filter.ownerId}` : sql``}
      ${filter.q ? sql`and search @@ websearch_to_tsquery('english', ${filter.q})` : sql``}
      ${filter.after ? sql`and (created_at, id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)` : sql``}
    order by created_at desc, id desc
    limit ${filter.limit}`
}

/** Campaigns whose end date has passed but are still open; locked, skipping ones another instance holds. */
export async function claimEnded(sql: Queryable, batch: number): Promise<CampaignRow[]> {
  return sql<CampaignRow[]>`
    select ${sql.unsafe(COLUMNS)} from campaigns
    where status in ('ACTIVE', 'PAUSED') and end_date <= now()
    order by end_date
    limit ${batch}
    for update skip locked`
}
