-- The payments sandbox's own ledger: what the "provider" authorized, captured, refunded and
-- voided. The payment code cannot read this schema (it connects as cfa_payment); tests read it
-- through GET /sandbox/v1/ledger as the truth for "charged once".
create table operations (
  id varchar(64) primary key,               -- txn_… (authorization), cap_…, re_…, void_…
  kind varchar(20) not null check (kind in ('authorization', 'capture', 'refund', 'void')),
  -- The authorization this operation belongs to (an authorization's is its own id).
  transaction_id varchar(64) not null,
  -- Like a real PSP: one key, one operation. The unique index is what makes a retried call safe.
  idempotency_key varchar(255) not null unique,
  fingerprint text not null,                -- sha256 of the request parameters
  reference varchar(255),                   -- the merchant's reference (our pledge id)
  payment_method varchar(64),
  amount numeric(12, 2) not null check (amount > 0),
  status varchar(20) not null check (status in ('pending', 'succeeded', 'failed', 'voided')),
  failure_reason varchar(40),
  created_at timestamptz(3) not null default clock_timestamp(),
  decided_at timestamptz
);
create index operations_txn_idx on operations (transaction_id, created_at);
create index operations_reference_idx on operations (reference) where kind = 'authorization';
create index operations_pending_idx on operations (created_at) where status = 'pending';

-- Signed webhooks to deliver, one row per copy (chaos may make several of one webhook id):
-- redelivered with backoff until answered 2xx. `due_at` doubles as the claim lease.
create table deliveries (
  id uuid primary key,
  webhook_id varchar(64) not null,
  operation_id varchar(64) not null references operations (id),
  type varchar(40) not null,
  body text not null,                       -- the exact bytes that are signed and sent
  due_at timestamptz not null default now(),
  attempts integer not null default 0,
  last_status integer,
  last_error text,
  delivered_at timestamptz,
  failed_at timestamptz,
  created_at timestamptz(3) not null default clock_timestamp()
);
create index deliveries_due_idx on deliveries (due_at) where delivered_at is null and failed_at is null;
create index deliveries_webhook_idx on deliveries (webhook_id);

-- How the sandbox misbehaves (SANDBOX_CHAOS or POST /sandbox/v1/chaos), shared by every
-- instance hosting it; `version` tells an instance to reseed its PRNG.
create table settings (
  id boolean primary key default true check (id),
  chaos text not null default '',
  version integer not null default 1,
  updated_at timestamptz not null default now()
);
insert into settings (id) values (true);
