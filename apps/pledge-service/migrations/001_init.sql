-- ARCHITECTURE.md's pledges table, with DESIGN.md's rules: no cross-schema reference to
-- campaigns, user_id null for guests (donor_email, donor_key), timestamptz, refunded_amount for
-- partial refunds.
create table pledges (
  id uuid primary key,
  campaign_id uuid not null,
  campaign_owner_id uuid not null,
  user_id uuid,
  donor_email text,
  donor_name text,
  donor_key text not null,
  anonymous boolean not null default false,
  amount numeric(12, 2) not null check (amount > 0),
  refunded_amount numeric(12, 2) not null default 0 check (refunded_amount >= 0 and refunded_amount <= amount),
  payment_method text not null,
  state varchar(20) not null check (state in ('PENDING', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED')),
  payment_id uuid,
  payment_intent_id varchar(255),                -- the provider's transaction id, once known
  -- Millisecond precision: the keyset cursor carries created_at as an ISO string, exactly.
  created_at timestamptz(3) not null default clock_timestamp(),
  updated_at timestamptz not null default now(),
  check (user_id is not null or donor_email is not null)
);
create index pledges_list_idx on pledges (created_at desc, id desc);
create index pledges_campaign_idx on pledges (campaign_id, created_at desc, id desc) where state in ('CAPTURED');
create index pledges_user_idx on pledges (user_id, created_at desc, id desc) where user_id is not null;
create index pledges_state_idx on pledges (state, created_at desc, id desc);

-- Every transition, with the event that caused it: the donation's history, for donors and operators.
create table pledge_state_history (
  id bigint generated always as identity primary key,
  pledge_id uuid not null references pledges (id),
  from_state varchar(20),
  to_state varchar(20) not null,
  cause_event_id text not null,
  at timestamptz not null default clock_timestamp()
);
create index pledge_state_history_pledge_idx on pledge_state_history (pledge_id, id);

-- Refunds already counted, so a refund is applied once even if it comes back under another event id.
create table applied_refunds (
  refund_id uuid primary key,
  pledge_id uuid not null references pledges (id),
  amount_cents bigint not null check (amount_cents > 0),
  event_id text not null
);
