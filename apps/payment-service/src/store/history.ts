import type { Queryable } from '@careforall/db'
import type { PaymentStatus } from '../domain/payment-machine'

export type CauseKind = 'event' | 'webhook' | 'sweeper' | 'provider'

/** What caused a change: the pledge.created event id, the provider's webhook id, or the sweeper. */
export interface Cause {
  kind: CauseKind
  id: string
}

export interface HistoryRow {
  id: string
  paymentId: string
  fromStatus: PaymentStatus | null
  toStatus: PaymentStatus
  eventType: string | null
  amount: string | null
  refundId: string | null
  reason: string | null
  causeKind: CauseKind
  causeId: string
  at: Date
}

export interface NewHistory {
  paymentId: string
  fromStatus: PaymentStatus | null
  toStatus: PaymentStatus
  eventType: string | null
  amount: string | null
  refundId?: string | null | undefined
  reason?: string | null | undefined
  cause: Cause
}

export async function insertHistory(sql: Queryable, h: NewHistory): Promise<void> {
  await sql`
    insert into payment_history (payment_id, from_status, to_status, event_type, amount, refund_id, reason, cause_kind, cause_id)
    values (${h.paymentId}, ${h.fromStatus}, ${h.toStatus}, ${h.eventType}, ${h.amount}, ${h.refundId ?? null},
            ${h.reason ?? null}, ${h.cause.kind}, ${h.cause.id})`
}

export async function historyOf(sql: Queryable, paymentId: string): Promise<HistoryRow[]> {
  return sql<HistoryRow[]>`
    select id::text, payment_id, from_status, to_status, event_type, amount, refund_id, reason, cause_kind, cause_id, at
    from payment_history where payment_id = ${paymentId} order by id`
}
