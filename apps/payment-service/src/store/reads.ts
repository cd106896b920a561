import type { Queryable } from '@careforall/db'
import type { PaymentStatus } from '../domain/payment-machine'
import type { RecoveryPoint } from '../domain/recovery'
import type { PaymentRow } from './payments'

export interface ListFilter {
  pledgeId?: string | undefined
  status?: PaymentStatus | undefined
  recoveryPoint?: RecoveryPoint | undefined
  limit: number
  after?: { createdAt: string; id: string } | undefined
}

/** Newest first, keyset-paged on (created_at, id). */
export async function listPayments(sql: Queryable, filter: ListFilter): Promise<PaymentRow[]> {
  return sql<PaymentRow[]>`
    select * from payments
    where true
      ${filter.pledgeId ? sql`and pledge_id = ${filter.pledgeId}` : sql``}
      ${filter.status ? sql`and status = ${filter.status}` : sql``}
      ${filter.recoveryPoint ? sql`and recovery_point = ${filter.recoveryPoint}` : sql``}
      ${filter.after ? sql`and (created_at, id) < (${filter.after.createdAt}::timestamptz, ${filter.after.id}::uuid)` : sql``}
    order by created_at desc, id desc
    limit ${filter.limit}`
}

export interface SummaryRow {
  id: string
  campaignId: string
  donorKey: string
  capturedAmount: string
  refundedAmount: string
  capturedAt: Date | null
  /** The succeeded refunds that make up `refundedAmount`, oldest first. */
  refunds: { refundId: string; amountCents: number; refundedAt: string }[]
}

/**
 * What the totals service reconciles against: every payment that was captured, with what was
 * captured and refunded, ordered by id (UUIDv7, so pages are stable) and keyset-paged on it.
 */
export async function summaryPage(
  sql: Queryable,
  filter: { campaignId?: string | undefined; after?: string | undefined; limit: number },
): Promise<SummaryRow[]> {
  return sql<SummaryRow[]>`
    select p.id, p.campaign_id, p.donor_key, p.captured_amount, p.refunded_amount, p.captured_at,
      coalesce((
        select json_agg(json_build_object(
                 'refundId', r.id, 'amountCents', (r.amount * 100)::bigint, 'refundedAt', r.completed_at)
               order by r.completed_at, r.id)
        from refunds r where r.payment_id = p.id and r.status = 'SUCCEEDED'), '[]') as refunds
    from payments p
    where captured_amount > 0
      ${filter.campaignId ? sql`and campaign_id = ${filter.campaignId}` : sql``}
      ${filter.after ? sql`and id > ${filter.after}` : sql``}
    order by id
    limit ${filter.limit}`
}
