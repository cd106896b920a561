import type { PledgeState } from '@careforall/contracts'
import type { Queryable } from '@careforall/db'

export interface PledgeRow {
  id: string
  campaignId: string
  campaignOwnerId: string
  userId: string | null
  donorEmail: string | null
  donorName: string | null
  donorKey: string
  anonymous: boolean
  amount: string
  refundedAmount: string
  paymentMethod: string
  state: PledgeState
  paymentId: string | null
  paymentIntentId: string | null
  createdAt: Date
  updatedAt: Date
}

export interface HistoryRow {
  fromState: PledgeState | null
  toState: PledgeState
  causeEventId: string
  at: Date
}

export type NewPledge = Omit<
  PledgeRow,
  'refundedAmount' | 'state' | 'paymentId' | 'paymentIntentId' | 'createdAt' | 'updatedAt'
>

/**
 * Inserts a PENDING pledge and its first history row. Both statements go out at once (one round
 * trip, run in order by the server); the caller may queue more behind them before awaiting.
 */
export function insertPledge(
  sql: Queryable,
  pledge: NewPledge,
  causeId: string,
): Promise<{ pledge: PledgeRow; history: HistoryRow }> {
  const inserted = sql<PledgeRow[]>`
    insert into pledges (id, campaign_id, campaign_owner_id, user_id, donor_email, donor_name, donor_key, anonymous,
                         amount, payment_method, state)
    values (${pledge.id}, ${pledge.campaignId}, ${pledge.campaignOwnerId}, ${pledge.userId}, ${pledge.donorEmail},
            ${pledge.donorName}, ${pledge.donorKey}, ${pledge.anonymous}, ${pledge.amount}, ${pledge.paymentMethod}, 'PENDING')
    returning *`
  const history = sql<HistoryRow[]>`
    insert into pledge_state_history (pledge_id, from_state, to_state, cause_event_id)
    values (${pledge.id}, null, 'PENDING', ${causeId})
    returning from_state, to_state, cause_event_id, at`
  return Promise.all([inserted, history]).then(([[row], [first]]) => ({ pledge: row!, history: first! }))
}

export async function findPledge(sql: Queryable, id: string, lock = false): Promise<PledgeRow | undefined> {
  const [row] = await sql<
    PledgeRow[]
  >`select * from pledges where id = ${id} ${lock ? sql`for update` : sql``}`
  return row
}

export async function historyOf(sql: Queryable, pledgeId: string): Promise<HistoryRow[]> {
  return sql<HistoryRow[]>`
    select from_state, to_state, cause_event_id, at from pledge_state_history where pledge_id = ${pledgeId} order by id`
}

export async function recordTransition(
  sql: Queryable,
  pledgeId: string,
  transition: { from: PledgeState; to: PledgeState },
  causeEventId: string,
): Promise<void> {
  await sql`insert into pledge_state_history (pledge_id, from_state, to_state, cause_event_id)
            values (${pledgeId}, ${transition.from}, ${transition.to}, ${causeEventId})`
}

export async function savePaymentState(
  sql: Queryable,
  id: string,
  changes: { state: PledgeState; refundedAmount: string; paymentId: string; paymentIntentId: string },
): Promise<void> {
  await sql`
    update pledges set state = ${changes.state}, refunded_amount = ${changes.refundedAmount},
      payment_id = coalesce(payment_id, ${changes.paymentId}), payment_intent_id = coalesce(payment_intent_id, ${changes.paymentIntentId}),
      updated_at = now()
    where id = ${id}`
}

/** Records a refund once; false when this refund was already counted. */
export async function claimRefund(
  sql: Queryable,
  refund: { refundId: string; pledgeId: string; amountCents: number; eventId: string },
) {
  const rows = await sql`
    insert into applied_refunds (refund_id, pledge_id, amount_cents, event_id)
    values (${refund.refundId}, ${refund.pledgeId}, ${refund.amountCents}, ${refund.eventId})
    on conflict (refund_id) do nothing returning refund_id`
  return rows.length === 1
}

export interface PledgeFilter {
  campaignId?: string | undefined
  userId?: string | undefined
  states?: PledgeState[] | undefined
  from?: string | undefined
  to?: string | undefined
  /** Only PENDING or AUTHORIZED pledges whose updated_at is older than this many seconds. */
  stuckForSeconds?: number | undefined
  limit: number
  after?: { createdAt: string; id: string } | undefined
}

/**
 * A stuck pledge: still waiting for its payment (PENDING or AUTHORIZED) and unchanged for longer
 * than `seconds`. The states are literals, not parameters, so the planner can use the partial
 * index `pledges_waiting_idx` (002) whatever plan it caches.
 */
function stuckCondition(sql: Queryable, seconds: number) {
  return sql`state in ('PENDING', 'AUTHORIZED') and updated_at < now() - make_interval(secs => ${seconds})`
}

/** `created_at` within [from, to): the admin list's date filter, and the statistics' window. */
function createdWithin(sql: Queryable, window: { from?: string | undefined; to?: string | undefined }) {
  return sql`
    ${window.from ? sql`and created_at >= ${window.from}::timestamptz` : sql``}
    ${window.to ? sql`and created_at < ${window.to}::timestamptz` : sql``}`
}

export async function listPledges(sql: Queryable, filter: PledgeFilter): Promise<PledgeRow[]> {
  return sql<PledgeRow[]>`
    select * from pledges
    where true
      ${filter.campaignId ? sql`and campaign_id = ${filter.campaignId}` : sql``}
      ${filter.userId ? sql`and user_id = ${filter.userId}` : sql``}
      ${filter.states ? sql`and state in ${sql(filter.states)}` : sql``}
      ${createdWithin(sql, filter)}
      ${filter.stuckForSeconds === undefined ? sql`` : sql`and ${stuckCondition(sql, filter.stuckForSeconds)}`}
      ${filter.after ? sql`and (created_at, id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)` : sql``}
    order by created_at desc, id desc
    limit ${filter.limit}`
}

export interface StateFigures {
  state: PledgeState
  count: number
  /** The sum of the pledges' amounts, NUMERIC as postgres.js returns it. */
  amount: string
  /** How many of them are stuck (only PENDING and AUTHORIZED ones can be). */
  stuck: number
}

/**
 * Pledges created within [from, to) by state, with how many are stuck: one pass over the window,
 * every figure from the same snapshot. States without any pledge have no row.
 */
export async function pledgeFiguresByState(
  sql: Queryable,
  window: { from?: string | undefined; to?: string | undefined; stuckForSeconds: number },
): Promise<StateFigures[]> {
  return sql<StateFigures[]>`
    select state, count(*)::int as count, sum(amount)::text as amount,
           (count(*) filter (where ${stuckCondition(sql, window.stuckForSeconds)}))::int as stuck
    from pledges
    where true ${createdWithin(sql, window)}
    group by state`
}
