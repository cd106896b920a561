import type { TransactionSql } from '@careforall/db'
import type { TotalsSnapshot } from '../domain/totals'
import { snapshotOf, T_TOTALS_COLUMNS, type TotalsRow } from './totals'

/** What the ledger needs from a `payment.captured` or `payment.refunded` event. */
export interface PaymentLine {
  paymentId: string
  campaignId: string
  donorKey: string
  amountCents: number
  /** When the payment service recorded it (the event's time): its statistics day. */
  at: string
  day: string
  shard: number
}

/**
 * Serialises every change to one campaign behind its `campaign_totals` row lock (creating the row
 * on first sight). Taken first, so the statement that follows starts after any concurrent
 * transaction on the same campaign has committed, and reads the payment's line as that transaction
 * left it: a capture and a refund of one payment applied at once would otherwise both start from
 * the same old line and count the difference twice. Different campaigns never wait for each other.
 */
function lockCampaign(tx: TransactionSql, campaignId: string) {
  return [
    tx`insert into campaign_totals (campaign_id) values (${campaignId}) on conflict (campaign_id) do nothing`,
    tx`select 1 from campaign_totals where campaign_id = ${campaignId} for update`,
  ]
}

/**
 * The second half of both statements: the line's net before (`old`) and after (`line`) the change,
 * and the campaign's figures moved by exactly that difference (the domain's `figuresDelta` and
 * `donorChange`), so they stay equal to a full recompute over the ledger at O(1) per event. The
 * row changes, and its version grows, only when a figure does (an early refund changes nothing
 * anyone can see). Every CTE reads the statement's snapshot, so `old` is the line before `line`.
 */
function moveFigures(tx: TransactionSql, line: PaymentLine) {
  return tx`
    change as (
      select greatest(coalesce(o.captured_cents, 0) - coalesce(o.refunded_cents, 0), 0) as old_net,
             greatest(n.captured_cents - n.refunded_cents, 0) as new_net
      from line n left join old o on true
    ), moved as (
      select new_net - old_net as cents, (new_net > 0)::int - (old_net > 0)::int as pledges from change
    ), donor as (
      -- The inserted row must pass the CHECK before the conflict is resolved: the signed delta is
      -- applied in the update instead (a -1 always finds the donor's row).
      insert into campaign_donors as d (campaign_id, donor_key, payments)
      select ${line.campaignId}, ${line.donorKey}, greatest(pledges, 0) from moved where pledges <> 0
      on conflict (campaign_id, donor_key) do update set payments = d.payments + (select pledges from moved)
      returning d.payments
    )
    update campaign_totals t
    set total_amount = t.total_amount + m.cents / 100.0,
        total_pledges = t.total_pledges + m.pledges,
        total_donors = t.total_donors + coalesce((
          select case when m.pledges = 1 and d.payments = 1 then 1
                      when m.pledges = -1 and d.payments = 0 then -1 else 0 end
          from donor d), 0),
        last_updated = clock_timestamp(), version = t.version + 1
    from moved m
    where t.campaign_id = ${line.campaignId} and (m.cents <> 0 or m.pledges <> 0)
    returning ${tx.unsafe(T_TOTALS_COLUMNS)}`
}

/**
 * A capture sets the payment's captured amount once (`applyChange` in the domain): a capture of an
 * already captured payment, under another event id, changes nothing and is not counted again in
 * the day's statistics.
 */
function recordCapture(tx: TransactionSql, line: PaymentLine) {
  return tx<TotalsRow[]>`
    with old as (
      select captured_cents, refunded_cents from payment_ledger where payment_id = ${line.paymentId}
    ), line as (
      insert into payment_ledger as l (payment_id, campaign_id, donor_key, captured_cents, captured_at, updated_at)
      values (${line.paymentId}, ${line.campaignId}, ${line.donorKey}, ${line.amountCents}, ${line.at},
              clock_timestamp())
      on conflict (payment_id) do update
        set captured_cents = excluded.captured_cents, captured_at = excluded.captured_at,
            updated_at = excluded.updated_at
        where l.captured_at is null
      returning captured_cents, refunded_cents
    ), stats as (
      insert into daily_stats as s (day, shard, captured_cents, pledges_captured)
      select ${line.day}::date, ${line.shard}::smallint, ${line.amountCents}::bigint, 1 from line
      on conflict (day, shard) do update
        set captured_cents = s.captured_cents + excluded.captured_cents,
            pledges_captured = s.pledges_captured + 1
    ), ${moveFigures(tx, line)}`
}

/**
 * A refund adds its amount to the payment's line once per refund id (the payment service
 * publishes once per refund; a second message about the same refund adds nothing). A refund whose
 * capture has not arrived yet opens the line with nothing captured: its net stays at zero until
 * the capture comes.
 */
function recordRefund(tx: TransactionSql, line: PaymentLine & { refundId: string }) {
  return tx<TotalsRow[]>`
    with refund as (
      insert into refunds (refund_id, payment_id, amount_cents, refunded_at)
      values (${line.refundId}, ${line.paymentId}, ${line.amountCents}, ${line.at})
      on conflict (refund_id) do nothing
      returning amount_cents
    ), old as (
      select captured_cents, refunded_cents from payment_ledger where payment_id = ${line.paymentId}
    ), line as (
      insert into payment_ledger as l (payment_id, campaign_id, donor_key, refunded_cents, updated_at)
      select ${line.paymentId}::uuid, ${line.campaignId}::uuid, ${line.donorKey}::text, amount_cents, clock_timestamp()
      from refund
      on conflict (payment_id) do update
        set refunded_cents = l.refunded_cents + excluded.refunded_cents, updated_at = excluded.updated_at
      returning captured_cents, refunded_cents
    ), stats as (
      insert into daily_stats as s (day, shard, refunded_cents, refunds)
      select ${line.day}::date, ${line.shard}::smallint, amount_cents, 1 from refund
      on conflict (day, shard) do update
        set refunded_cents = s.refunded_cents + excluded.refunded_cents, refunds = s.refunds + 1
    ), ${moveFigures(tx, line)}`
}

/**
 * Applies one payment line to its campaign in the caller's transaction: the campaign lock, then
 * one statement that changes the line, the day's statistics and the campaign's figures, sent to
 * PostgreSQL as one pipeline (one round trip; the statements still run in order). Returns the new
 * totals, or undefined when nothing visible changed.
 */
export async function applyLine(
  tx: TransactionSql,
  line: PaymentLine & { refundId?: string | undefined },
): Promise<TotalsSnapshot | undefined> {
  const record =
    line.refundId === undefined
      ? recordCapture(tx, line)
      : recordRefund(tx, { ...line, refundId: line.refundId })
  const [create, lock] = lockCampaign(tx, line.campaignId)
  const [, , [row]] = await Promise.all([create, lock, record])
  return row && snapshotOf(row)
}
