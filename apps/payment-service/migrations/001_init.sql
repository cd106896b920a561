-- ARCHITECTURE.md's payments table, with DESIGN.md's rules: one payment per pledge, no
-- cross-schema reference, idempotency_key = the permanent key we send the provider.
create table payments (
  id uuid primary key,
  pledge_id uuid not null unique,
  amount numeric(12, 2) not null check (amount > 0),
  provider varchar(50) not null,
  provider_transaction_id varchar(255),
  idempotency_key varchar(255) unique not null,
  status varchar(20) not null,
  metadata jsonb,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index idx_payments_idempotency on payments (idempotency_key);
