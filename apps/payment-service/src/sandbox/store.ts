import { jsonb, type Queryable } from '@careforall/db'

/** SQL for the sandbox's own schema (its own pool and role); nothing here reads the payment schema. */

export type OperationKind = 'authorization' | 'capture' | 'refund' | 'void'
export type OperationStatus = 'pending' | 'succeeded' | 'failed' | 'voided'

export interface OperationRow {
  id: string
  kind: OperationKind
  transactionId: string
  idempotencyKey: string
  fingerprint: string
  reference: string | null
  paymentMethod: string | null
  amount: string
  status: OperationStatus
  failureReason: string | null
  createdAt: Date
  decidedAt: Date | null
}

const COLUMNS =
  'id, kind, transaction_id, idempotency_key, fingerprint, reference, payment_method, amount, status, failure_reason, created_at, decided_at'

export interface NewOperation {
  id: string
  kind: OperationKind
  transactionId: string
  idempotencyKey: string
  fingerprint: string
  reference: string | null
  paymentMethod: string | null
  amount: string
  status: OperationStatus
  decided: boolean
}

/** Inserts unless the key was used: undefined then, and the caller replays what the key made. */
export async function insertOperation(sql: Queryable, op: NewOperation): Promise<OperationRow | undefined> {
  const [row] = await sql<OperationRow[]>`
    insert into operations (id, kind, transaction_id, idempotency_key, fingerprint, reference, payment_method, amount, status, decided_at)
    values (${op.id}, ${op.kind}, ${op.transactionId}, ${op.idempotencyKey}, ${op.fingerprint}, ${op.reference},
            ${op.paymentMethod}, ${op.amount}, ${op.status}, ${op.decided ? sql`now()` : null})
    on conflict (idempotency_key) do nothing
    returning ${sql.unsafe(COLUMNS)}`
  return row
}

export async function findByKey(sql: Queryable, key: string): Promise<OperationRow | undefined> {
  const [row] = await sql<OperationRow[]>`
    select ${sql.unsafe(COLUMNS)} from operations where idempotency_key = ${key}`
  return row
}

export async function findOperation(
  sql: Queryable,
  id: string,
  kind?: OperationKind,
  lock = false,
): Promise<OperationRow | undefined> {
  const [row] = await sql<OperationRow[]>`
    select ${sql.unsafe(COLUMNS)} from operations
    where id = ${id} ${kind ? sql`and kind = ${kind}` : sql``} ${lock ? sql`for update` : sql``}`
  return row
}

/** The captures, refunds and voids of one authorization. */
export async function operationsOf(sql: Queryable, transactionIds: string[]): Promise<OperationRow[]> {
  if (transactionIds.length === 0) return []
  return sql<OperationRow[]>`
    select ${sql.unsafe(COLUMNS)} from operations
    where transaction_id in ${sql(transactionIds)} order by created_at, id`
}

export async function setAuthorizationStatus(
  sql: Queryable,
  id: string,
  status: OperationStatus,
): Promise<void> {
  await sql`update operations set status = ${status} where id = ${id}`
}

/** Undecided operations with the payment method of their authorization, claimed by this instance. */
export async function claimPending(
  sql: Queryable,
  limit: number,
): Promise<(OperationRow & { authorizationMethod: string | null })[]> {
  return sql<(OperationRow & { authorizationMethod: string | null })[]>`
    select o.id, o.kind, o.transaction_id, o.idempotency_key, o.fingerprint, o.reference, o.payment_method,
           o.amount, o.status, o.failure_reason, o.created_at, o.decided_at, a.payment_method as authorization_method
    from operations o join operations a on a.id = o.transaction_id
    where o.status = 'pending'
    order by o.created_at
    limit ${limit}
    for update of o skip locked`
}

/** A round's decisions in one statement. */
export async function decideAll(
  sql: Queryable,
  decisions: { id: string; status: 'succeeded' | 'failed'; reason: string | null }[],
): Promise<void> {
  if (decisions.length === 0) return
  await sql`
    update operations o set status = x.status, failure_reason = x.reason, decided_at = now()
    from jsonb_to_recordset(${jsonb(sql, decisions)}) as x(id text, status text, reason text)
    where o.id = x.id`
}

export async function readChaosSetting(sql: Queryable): Promise<{ chaos: string; version: number }> {
  const [row] = await sql<{ chaos: string; version: number }[]>`select chaos, version from settings`
  return row ?? { chaos: '', version: 0 }
}

export async function writeChaosSetting(sql: Queryable, chaos: string): Promise<void> {
  await sql`update settings set chaos = ${chaos}, version = version + 1, updated_at = now()`
}

export interface LedgerFilter {
  transactionId?: string | undefined
  reference?: string | undefined
  after?: string | undefined
  limit: number
}

/** Authorizations (one per transaction), oldest first, keyset-paged on their id. */
export async function listAuthorizations(sql: Queryable, filter: LedgerFilter): Promise<OperationRow[]> {
  return sql<OperationRow[]>`
    select ${sql.unsafe(COLUMNS)} from operations
    where kind = 'authorization'
      ${filter.transactionId ? sql`and id = ${filter.transactionId}` : sql``}
      ${filter.reference ? sql`and reference = ${filter.reference}` : sql``}
      ${filter.after ? sql`and id > ${filter.after}` : sql``}
    order by id
    limit ${filter.limit}`
}

export interface OperationTotals {
  kind: OperationKind
  status: OperationStatus
  count: number
  amount: string
}

export async function operationTotals(sql: Queryable): Promise<OperationTotals[]> {
  return sql<OperationTotals[]>`
    select kind, status, count(*)::int as count, coalesce(sum(amount), 0)::text as amount
    from operations group by kind, status`
}

/** References (pledges) with more than one authorization: a double charge if ever non-zero. */
export async function duplicateReferences(sql: Queryable): Promise<number> {
  const [row] = await sql<{ count: number }[]>`
    select count(*)::int as count from (
      select reference from operations where kind = 'authorization' and reference is not null
      group by reference having count(*) > 1) d`
  return row?.count ?? 0
}
