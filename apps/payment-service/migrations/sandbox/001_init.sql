-- The payments sandbox's own ledger: what the "provider" charged. The payment code cannot read
-- this schema (it connects as cfa_payment); tests read it as the truth for "charged once".
create table operations (
  id text primary key,                 -- provider transaction / refund id
  kind text not null check (kind in ('authorization', 'capture', 'refund')),
  idempotency_key text not null unique,
  amount_cents bigint not null check (amount_cents > 0),
  status text not null,
  created_at timestamptz not null default now()
);
