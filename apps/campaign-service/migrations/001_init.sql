-- ARCHITECTURE.md's campaigns table, with DESIGN.md's rules: timestamptz, no current_amount
-- (a read returns currentAmount from the totals service), a version for events.
create table campaigns (
  id uuid primary key,
  title varchar(200) not null,
  description text not null check (char_length(description) <= 10000),
  goal_amount numeric(12, 2) not null check (goal_amount > 0),
  status varchar(20) not null check (status in ('DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED')),
  owner_id uuid not null,
  start_date timestamptz not null,
  end_date timestamptz not null,
  version integer not null default 1,
  -- Millisecond precision: the keyset cursor carries created_at as an ISO string, exactly.
  created_at timestamptz(3) not null default clock_timestamp(),
  updated_at timestamptz not null default now(),
  -- Full-text search over title and description (`q`), kept by PostgreSQL itself.
  search tsvector generated always as (
    setweight(to_tsvector('english', title), 'A') || setweight(to_tsvector('english', description), 'B')
  ) stored,
  check (end_date > start_date)
);
create index campaigns_list_idx on campaigns (created_at desc, id desc);
create index campaigns_owner_idx on campaigns (owner_id, created_at desc, id desc);
create index campaigns_status_idx on campaigns (status, created_at desc, id desc);
create index campaigns_search_idx on campaigns using gin (search);
-- The sweeper finds campaigns whose end date has passed.
create index campaigns_open_end_idx on campaigns (end_date) where status in ('ACTIVE', 'PAUSED');
