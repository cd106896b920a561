import { centsToNumeric, numericToCents } from '@careforall/contracts'
import { type Sql, withTransaction } from '@careforall/db'
import { ConflictError, fingerprintOf, NotFoundError, UnprocessableError } from '@careforall/http'
import {
  findByKey,
  findOperation,
  insertOperation,
  type OperationKind,
  type OperationRow,
  operationsOf,
  setAuthorizationStatus,
} from './store'

/**
 * The sandbox PSP's API rules. Every call carries an Idempotency-Key: the same key replays the
 * operation it made (never a second ledger entry: the key is UNIQUE in the ledger), the same key
 * with other parameters is refused. Authorizations, captures and refunds are accepted at once and
 * decided later (the processor); a void is decided on the spot, as PSPs do.
 */

export interface Accepted {
  operation: OperationRow
  replayed: boolean
}

const newId = (prefix: string) => `${prefix}_${Bun.randomUUIDv7().replaceAll('-', '')}`

/** An existing operation for this key: replayed if it was asked with the same parameters. */
function replay(existing: OperationRow, fingerprint: string): Accepted {
  if (existing.fingerprint !== fingerprint) {
    throw new UnprocessableError('This Idempotency-Key was used with different parameters', {
      code: 'idempotency_key_reused',
    })
  }
  return { operation: existing, replayed: true }
}

export async function authorize(
  sql: Sql,
  key: string,
  params: { amount: number; currency: string; paymentMethod: string; reference?: string | undefined },
): Promise<Accepted> {
  const fingerprint = fingerprintOf({ kind: 'authorization', ...params })
  const id = newId('txn')
  const inserted = await insertOperation(sql, {
    id,
    kind: 'authorization',
    transactionId: id,
    idempotencyKey: key,
    fingerprint,
    reference: params.reference ?? null,
    paymentMethod: params.paymentMethod,
    amount: centsToNumeric(params.amount),
    status: 'pending',
    decided: false,
  })
  if (inserted) return { operation: inserted, replayed: false }
  return replay((await findByKey(sql, key))!, fingerprint)
}

/**
 * Runs a follow-up operation (capture, refund, void) under a lock on its authorization, so two
 * calls on one transaction are serialized: the key is looked up first (a retried call replays even
 * when the rules would now refuse it, e.g. the capture it made exists), then the rules, then the insert.
 */
async function onAuthorization(
  sql: Sql,
  kind: OperationKind,
  key: string,
  params: { transactionId: string; amount?: number | undefined },
  rules: (auth: OperationRow, others: OperationRow[]) => { amountCents: number; decided?: 'succeeded' },
): Promise<Accepted> {
  const fingerprint = fingerprintOf({ kind, ...params })
  return withTransaction(sql, async (tx) => {
    // One round trip; the server runs them in order, so both reads come after the lock.
    const [auth, existing, ops] = await Promise.all([
      findOperation(tx, params.transactionId, 'authorization', true),
      findByKey(tx, key),
      operationsOf(tx, [params.transactionId]),
    ])
    if (!auth) throw new NotFoundError('No authorization with this id')
    if (existing) return replay(existing, fingerprint)
    const others = ops.filter((op) => op.kind !== 'authorization')
    const { amountCents, decided } = rules(auth, others)
    const prefix = { capture: 'cap', refund: 're', void: 'void', authorization: 'txn' }[kind]
    const operation = await insertOperation(tx, {
      id: newId(prefix),
      kind,
      transactionId: auth.id,
      idempotencyKey: key,
      fingerprint,
      reference: auth.reference,
      paymentMethod: auth.paymentMethod,
      amount: centsToNumeric(amountCents),
      status: decided ?? 'pending',
      decided: decided !== undefined,
    })
    if (kind === 'void') await setAuthorizationStatus(tx, auth.id, 'voided')
    return { operation: operation!, replayed: false }
  })
}

const live = (ops: OperationRow[], kind: OperationKind) =>
  ops.filter((op) => op.kind === kind && op.status !== 'failed')
const sum = (ops: OperationRow[]) => ops.reduce((total, op) => total + numericToCents(op.amount), 0)

function assertAuthorized(auth: OperationRow): void {
  if (auth.status === 'pending')
    throw new ConflictError('The authorization is not decided yet', { code: 'authorization_pending' })
  if (auth.status !== 'succeeded') {
    throw new ConflictError(`The authorization is ${auth.status}`, { code: `authorization_${auth.status}` })
  }
}

export function capture(
  sql: Sql,
  key: string,
  params: { transactionId: string; amount?: number | undefined },
) {
  return onAuthorization(sql, 'capture', key, params, (auth, others) => {
    assertAuthorized(auth)
    if (live(others, 'capture').length > 0)
      throw new ConflictError('Already captured', { code: 'already_captured' })
    const authorized = numericToCents(auth.amount)
    const amountCents = params.amount ?? authorized
    if (amountCents > authorized) {
      throw new UnprocessableError('More than was authorized', { code: 'amount_too_large' })
    }
    return { amountCents }
  })
}

export function refund(
  sql: Sql,
  key: string,
  params: { transactionId: string; amount?: number | undefined },
) {
  return onAuthorization(sql, 'refund', key, params, (_auth, others) => {
    const captured = sum(others.filter((op) => op.kind === 'capture' && op.status === 'succeeded'))
    if (captured === 0) throw new ConflictError('Nothing was captured', { code: 'not_captured' })
    const left = captured - sum(live(others, 'refund'))
    const amountCents = params.amount ?? left
    if (amountCents <= 0 || amountCents > left) {
      throw new UnprocessableError('More than may still be refunded', {
        code: 'amount_too_large',
        refundable: left,
      })
    }
    return { amountCents }
  })
}

/** Releases an uncaptured hold (the payment service's expiry sweeper), decided on the spot. */
export function voidAuthorization(sql: Sql, key: string, transactionId: string) {
  return onAuthorization(sql, 'void', key, { transactionId }, (auth, others) => {
    assertAuthorized(auth)
    if (live(others, 'capture').length > 0)
      throw new ConflictError('Already captured', { code: 'already_captured' })
    return { amountCents: numericToCents(auth.amount), decided: 'succeeded' }
  })
}
