-- The totals read model (issue 7). Money in the ledger is integer cents (bigint); the served
-- totals keep ARCHITECTURE.md's NUMERIC(12,2) with DESIGN.md's rules: no cross-schema reference,
-- timestamptz, and nothing can ever go negative.

-- One row per payment: what was captured and what was refunded of it, so a refund seen before its
-- capture waits here instead of driving anything negative. Campaign figures are always derived
-- from these rows: total = Σ max(0, captured − refunded), pledges and donors count the payments
-- and donor keys whose net is above zero.
create table payment_ledger (
  payment_id uuid primary key,
  campaign_id uuid not null,
  donor_key text not null,
  captured_cents bigint not null default 0 check (captured_cents >= 0),
  refunded_cents bigint not null default 0 check (refunded_cents >= 0),
  -- When the capture event was applied; null until then. A payment is captured once: a second
  -- capture for it (under another event id) changes nothing. A rebuild may set captured_cents
  -- from the payment service's summary while this stays null.
  captured_at timestamptz,
  updated_at timestamptz not null default clock_timestamp()
);

-- Each refund counts once, whatever event id carries it.
create table refunds (
  refund_id uuid primary key,
  payment_id uuid not null,
  amount_cents bigint not null check (amount_cents >= 0),
  refunded_at timestamptz not null
);

-- How many of a donor's payments to a campaign have a net above zero: the donor counts in the
-- campaign's total_donors while this is above zero.
create table campaign_donors (
  campaign_id uuid not null,
  donor_key text not null,
  payments integer not null check (payments >= 0),
  primary key (campaign_id, donor_key)
);

-- What GET /api/totals/{campaignId} serves, moved in the transaction of every event that touches
-- the campaign by exactly what that event changed in its payment's line (under the row's lock).
-- `version` grows by one with every visible change: it is the server-sent event id and lets every
-- instance keep only the newest copy in memory.
create table campaign_totals (
  campaign_id uuid primary key,
  total_amount numeric(12, 2) not null default 0 check (total_amount >= 0),
  total_pledges integer not null default 0 check (total_pledges >= 0),
  total_donors integer not null default 0 check (total_donors >= 0),
  last_updated timestamptz,
  version bigint not null default 0 check (version >= 0)
);

-- Per-day figures for the admin panel's charts, by the day (UTC) the payment service recorded
-- each capture or refund. Split in a few shards so concurrent events do not queue on one row.
create table daily_stats (
  day date not null,
  shard smallint not null,
  captured_cents bigint not null default 0,
  refunded_cents bigint not null default 0,
  pledges_captured integer not null default 0,
  refunds integer not null default 0,
  primary key (day, shard)
);

-- Where `bun run rebuild` stages the payment service's summary before swapping it in.
create table rebuild_staging (
  payment_id uuid primary key,
  campaign_id uuid not null,
  donor_key text not null,
  captured_cents bigint not null,
  refunded_cents bigint not null
);
