-- ARCHITECTURE.md's payments table with DESIGN.md's rules: one payment per pledge, no
-- cross-schema reference, idempotency_key = the PERMANENT key we send the provider
-- (`authorize:<paymentId>`). Calls to the provider follow brandur's atomic phases: each phase
-- commits a recovery point, the call happens between phases (outside any transaction), and a
-- resumer drives every payment whose recovery point asks for a call (docs/decisions/0024).
create table payments (
  id uuid primary key,
  pledge_id uuid not null unique,
  campaign_id uuid not null,
  -- From pledge.created: the campaign owner may refund and read this payment.
  campaign_owner_id uuid not null,
  donor_key text not null,
  amount numeric(12, 2) not null check (amount > 0),
  currency char(3) not null default 'USD',
  payment_method varchar(64) not null,
  provider varchar(50) not null,
  provider_transaction_id varchar(255),
  idempotency_key varchar(255) unique not null,
  status varchar(20) not null
    check (status in ('PENDING', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED')),
  failure_reason varchar(40),
  captured_amount numeric(12, 2) not null default 0,
  refunded_amount numeric(12, 2) not null default 0,
  -- The atomic phases: which provider call is due (authorize, capture, void), which answer we
  -- wait for (awaiting_*), or none (awaiting_capture: an admin's; finished; needs_attention).
  recovery_point varchar(30) not null,
  next_attempt_at timestamptz,
  locked_until timestamptz,
  attempts integer not null default 0,
  last_error text,
  capture_requested_by uuid,
  authorized_at timestamptz,
  captured_at timestamptz,
  -- traceparent/tracestate of the pledge.created that made it: provider calls and webhook
  -- applies continue the donation's trace, not anything the provider sends.
  trace_headers jsonb not null default '{}',
  metadata jsonb,
  created_at timestamptz(3) not null default clock_timestamp(),
  updated_at timestamptz not null default now(),
  check (captured_amount <= amount),
  check (refunded_amount >= 0 and refunded_amount <= captured_amount)
);
create unique index payments_provider_txn_idx on payments (provider, provider_transaction_id);
create index payments_list_idx on payments (created_at desc, id desc);
create index payments_status_idx on payments (status, created_at desc, id desc);
create index payments_campaign_idx on payments (campaign_id, id);
create index payments_due_idx on payments (next_attempt_at)
  where recovery_point in ('authorize', 'capture', 'void');
create index payments_holds_idx on payments (authorized_at)
  where status = 'AUTHORIZED' and recovery_point in ('awaiting_capture', 'capture');

-- Every change of a payment, with the event or webhook id that caused it. The partial unique
-- indexes make "one event per transition" a database fact: a second authorized/captured/failed
-- row for a payment, or a second row for one refund, cannot be written.
create table payment_history (
  id bigint generated always as identity primary key,
  payment_id uuid not null references payments (id),
  from_status varchar(20),
  to_status varchar(20) not null,
  event_type varchar(40),
  amount numeric(12, 2),
  refund_id uuid,
  reason varchar(40),
  cause_kind varchar(20) not null check (cause_kind in ('event', 'webhook', 'sweeper', 'provider')),
  cause_id text not null,
  at timestamptz(3) not null default clock_timestamp()
);
create index payment_history_payment_idx on payment_history (payment_id, id);
create unique index payment_history_once_idx on payment_history (payment_id, event_type)
  where event_type is not null and refund_id is null;
create unique index payment_history_refund_once_idx on payment_history (refund_id)
  where refund_id is not null;

-- Refunds, partial allowed; the provider key is `refund:<id>`. PENDING ones count against what
-- may still be refunded, so concurrent requests can never exceed the captured amount.
create table refunds (
  id uuid primary key,
  payment_id uuid not null references payments (id),
  amount numeric(12, 2) not null check (amount > 0),
  status varchar(20) not null check (status in ('PENDING', 'SUCCEEDED', 'FAILED')),
  idempotency_key varchar(255) unique not null,
  provider_refund_id varchar(255) unique,
  requested_by uuid not null,
  recovery_point varchar(30) not null,
  next_attempt_at timestamptz,
  locked_until timestamptz,
  attempts integer not null default 0,
  last_error text,
  created_at timestamptz(3) not null default clock_timestamp(),
  completed_at timestamptz
);
create index refunds_payment_idx on refunds (payment_id, created_at);
create index refunds_due_idx on refunds (next_attempt_at) where recovery_point = 'refund';

-- Webhooks received: verified, then stored once per provider webhook id (the dedupe key), then
-- applied from this row (idempotent, retried until it applies). `deliveries` counts the copies.
create table webhooks (
  provider varchar(50) not null,
  id varchar(255) not null,
  type varchar(40) not null,
  provider_transaction_id varchar(255) not null,
  provider_refund_id varchar(255),
  payload jsonb not null,
  deliveries integer not null default 1,
  first_received_at timestamptz(3) not null default clock_timestamp(),
  last_received_at timestamptz not null default clock_timestamp(),
  payment_id uuid,
  outcome varchar(20) check (outcome in ('applied', 'no-op', 'unmatched')),
  applied_at timestamptz,
  attempts integer not null default 0,
  next_attempt_at timestamptz not null default now(),
  last_error text,
  primary key (provider, id)
);
create index webhooks_pending_idx on webhooks (next_attempt_at) where applied_at is null;
create index webhooks_txn_idx on webhooks (provider, provider_transaction_id);
