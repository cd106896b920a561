create table users (
  id uuid primary key,
  email text not null,
  name text not null check (char_length(name) between 1 and 200),
  password_hash text not null,
  role text not null default 'donor' check (role in ('donor', 'admin')),
  disabled boolean not null default false,
  -- Millisecond precision: the keyset cursor carries created_at as an ISO string, exactly.
  created_at timestamptz(3) not null default clock_timestamp(),
  updated_at timestamptz not null default now()
);
create unique index users_email_key on users (lower(email));
create index users_list_idx on users (created_at desc, id desc);
-- The admin list searches by email and name.
create index users_search_idx on users using gin (to_tsvector('simple', email || ' ' || name));

-- Signing keys for access tokens; the private half never leaves this schema. Retired keys stay
-- in the JWKS for a while so tokens they signed keep verifying until they expire.
create table signing_keys (
  kid text primary key,
  alg text not null,
  public_jwk jsonb not null,
  private_jwk jsonb not null,
  created_at timestamptz not null default now(),
  retired_at timestamptz
);
create unique index signing_keys_one_active on signing_keys ((true)) where retired_at is null;

-- A session is one refresh-token family: every refresh rotates the token, and a reused (already
-- rotated) token revokes the whole family.
create table sessions (
  id uuid primary key,
  user_id uuid not null references users (id),
  created_at timestamptz not null default now(),
  last_used_at timestamptz not null default now(),
  expires_at timestamptz not null,
  revoked_at timestamptz,
  revoked_reason text,
  user_agent text,
  ip text
);
create index sessions_user_idx on sessions (user_id, created_at desc);

create table refresh_tokens (
  token_hash text primary key,              -- sha256 of the opaque token: the token itself is never stored
  session_id uuid not null references sessions (id),
  created_at timestamptz not null default now(),
  rotated_at timestamptz
);
create index refresh_tokens_session_idx on refresh_tokens (session_id);

create table password_resets (
  token_hash text primary key,
  user_id uuid not null references users (id),
  created_at timestamptz not null default now(),
  expires_at timestamptz not null,
  used_at timestamptz
);
create index password_resets_user_idx on password_resets (user_id);

-- Who changed whose role or status, and when: the admin audit log (GET /api/auth/audit).
create table audit_log (
  id uuid primary key,
  actor_id uuid not null,
  action text not null,
  target_id uuid not null,
  details jsonb not null default '{}',
  at timestamptz(3) not null default clock_timestamp()
);
create index audit_log_at_idx on audit_log (at desc, id desc);
