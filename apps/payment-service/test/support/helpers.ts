import { centsToNumeric } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import { computeSignature } from '../../src/domain/webhook-signature'
import { insertPayment, type PaymentRow, recordAnswer } from '../../src/store/payments'
import { INTERNAL, type PaymentWorld } from './payment-world'

/** Polls until `check` passes (returns a value) or the time is up; says what it last saw. */
export async function waitFor<T>(
  read: () => Promise<T>,
  check: (value: T) => boolean,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs
  let last: T = await read()
  while (!check(last)) {
    if (Date.now() > deadline) throw new Error(`timed out; last seen: ${JSON.stringify(last)}`)
    await Bun.sleep(25)
    last = await read()
  }
  return last
}

export async function paymentOfPledge(sql: Sql, pledgeId: string): Promise<PaymentRow | undefined> {
  const [row] = await sql<PaymentRow[]>`select * from payments where pledge_id = ${pledgeId}`
  return row
}

/** Waits until the pledge's payment reaches `status` (and, if given, recovery point). */
export function paymentReaches(w: PaymentWorld, pledgeId: string, status: string, timeoutMs?: number) {
  return waitFor(
    () => paymentOfPledge(w.sql, pledgeId),
    (row) => row?.status === status && row.recoveryPoint !== 'capture',
    timeoutMs,
  ) as Promise<PaymentRow>
}

/** The events a payment caused, oldest first, as written to the outbox. */
export async function eventsOf(sql: Sql, paymentId: string) {
  const rows = await sql<{ type: string; payload: unknown }[]>`
    select type, payload from outbox where aggregate_id = ${paymentId} order by created_at, id`
  return rows.map((row) => {
    const payload = (typeof row.payload === 'string' ? JSON.parse(row.payload) : row.payload) as {
      data: Record<string, unknown>
    }
    return { type: row.type, data: payload.data }
  })
}

export async function historyOf(sql: Sql, paymentId: string) {
  return sql<
    {
      fromStatus: string | null
      toStatus: string
      eventType: string | null
      causeKind: string
      causeId: string
    }[]
  >`
    select from_status, to_status, event_type, cause_kind, cause_id from payment_history
    where payment_id = ${paymentId} order by id`
}

export interface LedgerEntry {
  providerTransactionId: string
  reference: string | null
  status: string
  authorizedCents: number
  capturedCents: number
  refundedCents: number
  operations: { id: string; object: string; idempotencyKey: string; amount: number; status: string }[]
}

/** The sandbox ledger for one pledge (our reference), read over HTTP with the internal secret. */
export async function ledgerOf(w: PaymentWorld, pledgeId: string): Promise<LedgerEntry[]> {
  const res = await fetch(`${w.url}/sandbox/v1/ledger?reference=${pledgeId}`, { headers: INTERNAL })
  if (!res.ok) throw new Error(`ledger answered ${res.status}`)
  return ((await res.json()) as { items: LedgerEntry[] }).items
}

export async function setChaos(w: PaymentWorld, spec: string): Promise<Response> {
  return fetch(`${w.url}/sandbox/v1/chaos`, {
    method: 'POST',
    headers: { ...INTERNAL, 'content-type': 'application/json' },
    body: JSON.stringify({ spec }),
  })
}

export function signatureFor(body: string, options: { secret?: string; t?: number } = {}): string {
  const t = options.t ?? Math.floor(Date.now() / 1000)
  return `t=${t},v1=${computeSignature(options.secret ?? 'whsec_dev_sandbox_change_me', t, body)}`
}

export interface CraftedWebhook {
  id?: string
  type: 'payment.authorized' | 'payment.captured' | 'payment.failed' | 'payment.refunded'
  providerTransactionId: string
  amount: number
  providerRefundId?: string
  reason?: string
}

export function webhookBody(hook: CraftedWebhook): string {
  return JSON.stringify({
    id: hook.id ?? `evt_test_${Bun.randomUUIDv7()}`,
    type: hook.type,
    created: Math.floor(Date.now() / 1000),
    data: {
      providerTransactionId: hook.providerTransactionId,
      amount: hook.amount,
      ...(hook.providerRefundId ? { providerRefundId: hook.providerRefundId } : {}),
      ...(hook.reason ? { reason: hook.reason } : {}),
    },
  })
}

/** Posts a raw webhook body with the given signature header (none when `signature` is null). */
export function postWebhook(w: PaymentWorld, body: string, signature: string | null = signatureFor(body)) {
  return w.service.app.request('/api/payments/webhooks/sandbox', {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(signature === null ? {} : { 'x-sandbox-signature': signature }),
    },
    body,
  })
}

/**
 * A payment that exists only on our side, waiting for its authorization webhook under a made-up
 * provider transaction id: crafted webhooks drive it without the sandbox sending any of its own.
 */
export async function seedPayment(
  w: PaymentWorld,
  amountCents = 5000,
): Promise<PaymentRow & { txn: string }> {
  const id = Bun.randomUUIDv7()
  const txn = `txn_test_${id.replaceAll('-', '')}`
  await insertPayment(
    w.sql,
    {
      id,
      pledgeId: Bun.randomUUIDv7(),
      campaignId: Bun.randomUUIDv7(),
      campaignOwnerId: Bun.randomUUIDv7(),
      donorKey: 'g:seeded',
      amount: centsToNumeric(amountCents),
      paymentMethod: 'pm_ok',
      provider: 'sandbox',
      traceHeaders: {},
    },
    60_000,
    `seed:${id}`,
  )
  await recordAnswer(w.sql, id, 'authorize', 'awaiting_authorization', txn)
  const [row] = await w.sql<PaymentRow[]>`select * from payments where id = ${id}`
  return { ...row!, txn }
}

export async function paymentById(sql: Sql, id: string): Promise<PaymentRow> {
  const [row] = await sql<PaymentRow[]>`select * from payments where id = ${id}`
  return row!
}

/** Waits until every stored webhook has been applied (or put aside). */
export function webhooksSettled(sql: Sql) {
  return waitFor(
    async () =>
      (await sql<{ n: number }[]>`select count(*)::int as n from webhooks where applied_at is null`)[0]!.n,
    (n) => n === 0,
  )
}

export function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): [string, RequestInit] {
  return [
    path,
    {
      method,
      headers: { ...headers, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    },
  ]
}
