-- HTTP idempotency keys (Stripe semantics, IETF draft-ietf-httpapi-idempotency-key-header): the
-- claim, the effect, its outbox rows and the stored response commit in one transaction.
create table idempotency_keys (
  scope text not null,                 -- the caller: user:<id> or guest:<hash of email>
  endpoint text not null,              -- e.g. POST /api/pledges
  key text not null,
  fingerprint text not null,           -- sha256 of the canonical request body
  status_code integer not null,
  response_headers jsonb not null default '{}',
  response_body text not null,
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  primary key (scope, endpoint, key)
);
create index idempotency_keys_expires_idx on idempotency_keys (expires_at);
