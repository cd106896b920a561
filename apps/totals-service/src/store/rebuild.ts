import type { TransactionSql } from '@careforall/db'
import type { LedgerLine } from '../domain/ledger'

/** One payment as the payment service's summary lists it. */
export interface SummaryPayment extends LedgerLine {
  paymentId: string
  campaignId: string
  capturedAt: string | null
  refunds: { refundId: string; amountCents: number; refundedAt: string }[]
}

/** Puts one page of the payment summary into `rebuild_staging` (a payment listed twice: the last wins). */
export async function stageSummary(tx: TransactionSql, items: SummaryPayment[]): Promise<void> {
  const unique = [...new Map(items.map((item) => [item.paymentId, item])).values()]
  if (unique.length === 0) return
  await tx`
    insert into rebuild_staging (payment_id, campaign_id, donor_key, captured_cents, refunded_cents, captured_at)
    select * from unnest(
      ${unique.map((i) => i.paymentId)}::uuid[], ${unique.map((i) => i.campaignId)}::uuid[],
      ${unique.map((i) => i.donorKey)}::text[], ${unique.map((i) => i.capturedCents)}::bigint[],
      ${unique.map((i) => i.refundedCents)}::bigint[], ${unique.map((i) => i.capturedAt)}::timestamptz[])
    on conflict (payment_id) do update
      set campaign_id = excluded.campaign_id, donor_key = excluded.donor_key,
          captured_cents = excluded.captured_cents, refunded_cents = excluded.refunded_cents,
          captured_at = excluded.captured_at`
  const refunds = unique.flatMap((item) =>
    item.refunds.map((refund) => ({ ...refund, paymentId: item.paymentId })),
  )
  if (refunds.length === 0) return
  await tx`
    insert into rebuild_staging_refunds (refund_id, payment_id, amount_cents, refunded_at)
    select * from unnest(
      ${refunds.map((r) => r.refundId)}::uuid[], ${refunds.map((r) => r.paymentId)}::uuid[],
      ${refunds.map((r) => r.amountCents)}::bigint[], ${refunds.map((r) => r.refundedAt)}::timestamptz[])
    on conflict (refund_id) do nothing`
}

/**
 * Replaces the ledger with the staged summary and recomputes every campaign (and the donors'
 * paying-payment counts) from it, under table locks that make the event consumers wait (taken in
 * their order, campaign_totals first, so neither side can deadlock the other). The merge is the domain's `rebuiltLine`: a line no event touched since
 * `startedAt` takes the summary's amounts; a line an event changed meanwhile keeps the larger of
 * each amount (they only grow, and the summary was read a moment earlier); a line the summary does
 * not know and no event touched is dropped. A campaign's version grows only if its figures change.
 * Returns the campaigns whose served totals changed.
 */
export async function swapInStaged(tx: TransactionSql, startedAt: Date): Promise<string[]> {
  await tx`lock table campaign_totals, payment_ledger, campaign_donors, refunds, daily_stats in exclusive mode`
  // The summary's refunds become counted refunds, so their events, if still on the way, add
  // nothing (the day's statistics are recomputed below, these included).
  await tx`
    insert into refunds (refund_id, payment_id, amount_cents, refunded_at)
    select refund_id, payment_id, amount_cents, refunded_at from rebuild_staging_refunds
    on conflict (refund_id) do nothing`
  await tx`
    with merged as (
      select s.payment_id, s.campaign_id, s.donor_key,
             case when l.updated_at >= ${startedAt} then greatest(l.captured_cents, s.captured_cents)
                  else s.captured_cents end as captured_cents,
             case when l.updated_at >= ${startedAt} then greatest(l.refunded_cents, s.refunded_cents)
                  else s.refunded_cents end as refunded_cents,
             coalesce(s.captured_at, l.captured_at) as captured_at
      from rebuild_staging s left join payment_ledger l using (payment_id)
    )
    insert into payment_ledger as l (payment_id, campaign_id, donor_key, captured_cents, refunded_cents, captured_at, updated_at)
    select payment_id, campaign_id, donor_key, captured_cents, refunded_cents, captured_at, clock_timestamp() from merged
    on conflict (payment_id) do update
      set campaign_id = excluded.campaign_id, donor_key = excluded.donor_key,
          captured_cents = excluded.captured_cents, refunded_cents = excluded.refunded_cents,
          captured_at = excluded.captured_at, updated_at = excluded.updated_at
      where (l.campaign_id, l.donor_key, l.captured_cents, l.refunded_cents, l.captured_at)
            is distinct from (excluded.campaign_id, excluded.donor_key, excluded.captured_cents, excluded.refunded_cents,
                              excluded.captured_at)`
  await tx`
    delete from payment_ledger l
    where l.updated_at < ${startedAt}
      and not exists (select 1 from rebuild_staging s where s.payment_id = l.payment_id)`
  // The per-day statistics, recomputed from the rebuilt ledger: each capture on the day it was
  // captured, each counted refund of a payment in the ledger on the day it was refunded (all on
  // shard 0: shards only spread concurrent writers). A line whose capture time is unknown (an older
  // summary) counts when its capture event arrives, which the ledger then still lets through.
  await tx`delete from daily_stats`
  await tx`
    insert into daily_stats (day, shard, captured_cents, pledges_captured, refunded_cents, refunds)
    select day, 0, sum(captured_cents), sum(pledges), sum(refunded_cents), sum(refunds)
    from (
      select (captured_at at time zone 'UTC')::date as day, captured_cents, 1 as pledges,
             0::bigint as refunded_cents, 0 as refunds
      from payment_ledger where captured_at is not null and captured_cents > 0
      union all
      select (r.refunded_at at time zone 'UTC')::date, 0, 0, r.amount_cents, 1
      from refunds r join payment_ledger using (payment_id)
    ) activity
    group by day`
  await tx`delete from campaign_donors`
  await tx`
    insert into campaign_donors (campaign_id, donor_key, payments)
    select campaign_id, donor_key, count(*) from payment_ledger
    where captured_cents > refunded_cents group by campaign_id, donor_key`
  const changed = await tx<{ campaignId: string }[]>`
    with figures as (
      select campaign_id, sum(greatest(captured_cents - refunded_cents, 0)) as total_cents,
             count(*) filter (where captured_cents > refunded_cents)::int as pledges,
             count(distinct donor_key) filter (where captured_cents > refunded_cents)::int as donors
      from payment_ledger group by campaign_id
    ), everyone as (
      select campaign_id, coalesce(f.total_cents, 0) / 100.0 as total_amount,
             coalesce(f.pledges, 0) as pledges, coalesce(f.donors, 0) as donors
      from figures f full join campaign_totals t using (campaign_id)
      where t.campaign_id is not null or f.total_cents > 0
    )
    insert into campaign_totals as t (campaign_id, total_amount, total_pledges, total_donors, last_updated, version)
    select campaign_id, total_amount, pledges, donors, clock_timestamp(), 1 from everyone
    on conflict (campaign_id) do update
      set total_amount = excluded.total_amount, total_pledges = excluded.total_pledges,
          total_donors = excluded.total_donors, last_updated = excluded.last_updated, version = t.version + 1
      where (t.total_amount, t.total_pledges, t.total_donors)
            is distinct from (excluded.total_amount, excluded.total_pledges, excluded.total_donors)
    returning t.campaign_id`
  await tx`truncate rebuild_staging, rebuild_staging_refunds`
  return changed.map((row) => row.campaignId)
}
