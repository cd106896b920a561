import { jsonb, type Queryable } from '@careforall/db'

export interface WebhookRow {
  provider: string
  id: string
  type: string
  providerTransactionId: string
  providerRefundId: string | null
  payload: { id: string; type: string; created: number; data: Record<string, unknown> }
  deliveries: number
  firstReceivedAt: Date
  lastReceivedAt: Date
  paymentId: string | null
  outcome: 'applied' | 'no-op' | 'unmatched' | null
  appliedAt: Date | null
  attempts: number
  nextAttemptAt: Date
  lastError: string | null
  /** traceparent/tracestate of the request that first delivered it. */
  receiptTraceHeaders: Record<string, string>
}

/**
 * Stores a verified webhook once per provider webhook id: a copy already received only counts
 * (`deliveries`), so the dedupe is the primary key, never a check-then-insert.
 */
export async function storeWebhook(
  sql: Queryable,
  w: {
    provider: string
    id: string
    type: string
    providerTransactionId: string
    providerRefundId: string | null
    payload: unknown
    /** The request applies it at once; the worker only picks it up after this (a crash, a failure). */
    workerDelayMs: number
    /** The receiving request's trace context: the apply span links to it. */
    receiptTraceHeaders: Record<string, string>
  },
): Promise<{ inserted: boolean }> {
  const [row] = await sql<{ inserted: boolean }[]>`
    insert into webhooks (provider, id, type, provider_transaction_id, provider_refund_id, payload, next_attempt_at,
                          receipt_trace_headers)
    values (${w.provider}, ${w.id}, ${w.type}, ${w.providerTransactionId}, ${w.providerRefundId}, ${jsonb(sql, w.payload)},
            now() + ${w.workerDelayMs}::float8 * interval '1 millisecond', ${jsonb(sql, w.receiptTraceHeaders)})
    on conflict (provider, id) do update set deliveries = webhooks.deliveries + 1, last_received_at = clock_timestamp()
    returning (xmax = 0) as inserted`
  return { inserted: row!.inserted }
}

/** Locks a stored webhook that has not applied yet; undefined if applied or held by another worker. */
export async function claimWebhook(
  sql: Queryable,
  provider: string,
  id: string,
): Promise<WebhookRow | undefined> {
  // By the primary key alone: repeating `applied_at is null` here would let the planner pick the
  // pending index (its predicate) and walk every pending webhook while statistics are missing.
  const [row] = await sql<WebhookRow[]>`
    select * from webhooks where provider = ${provider} and id = ${id}
    for update skip locked`
  return row && row.appliedAt === null ? row : undefined
}

export async function markApplied(
  sql: Queryable,
  provider: string,
  id: string,
  outcome: 'applied' | 'no-op' | 'unmatched',
  paymentId: string | null,
): Promise<void> {
  await sql`
    update webhooks set applied_at = now(), outcome = ${outcome}, payment_id = ${paymentId},
      attempts = attempts + 1, last_error = null
    where provider = ${provider} and id = ${id}`
}

/** Not applicable yet (our side has not recorded the provider's id): retried after `delayMs`. */
export async function postpone(
  sql: Queryable,
  provider: string,
  id: string,
  delayMs: number,
  reason: string,
): Promise<void> {
  await sql`
    update webhooks set attempts = attempts + 1, last_error = ${reason},
      next_attempt_at = now() + ${delayMs}::float8 * interval '1 millisecond'
    where provider = ${provider} and id = ${id}`
}

export async function dueWebhooks(
  sql: Queryable,
  limit: number,
): Promise<{ provider: string; id: string; providerTransactionId: string }[]> {
  return sql<{ provider: string; id: string; providerTransactionId: string }[]>`
    select provider, id, provider_transaction_id from webhooks where applied_at is null and next_attempt_at <= now()
    order by next_attempt_at limit ${limit}`
}

export async function unappliedFor(
  sql: Queryable,
  provider: string,
  transactionId: string,
): Promise<{ provider: string; id: string }[]> {
  return sql<{ provider: string; id: string }[]>`
    select provider, id from webhooks
    where provider = ${provider} and provider_transaction_id = ${transactionId} and applied_at is null
    order by first_received_at`
}

/** Every webhook about one payment: matched to it, or naming its provider transaction. */
export async function webhooksOfPayment(
  sql: Queryable,
  paymentId: string,
  provider: string,
  transactionId: string | null,
): Promise<WebhookRow[]> {
  return sql<WebhookRow[]>`
    select * from webhooks
    where payment_id = ${paymentId}
       ${transactionId ? sql`or (provider = ${provider} and provider_transaction_id = ${transactionId})` : sql``}
    order by first_received_at, id
    limit 200`
}
