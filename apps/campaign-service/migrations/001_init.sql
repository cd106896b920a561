-- ARCHITECTURE.md's campaigns table, with DESIGN.md's rules: timestamptz, no current_amount
-- (the read returns currentAmount from totals), a version for events.
create table campaigns (
  id uuid primary key,
  title varchar(200) not null,
  description text not null,
  goal_amount numeric(12, 2) not null check (goal_amount > 0),
  status varchar(20) not null check (status in ('DRAFT', 'ACTIVE', 'PAUSED', 'COMPLETED')),
  owner_id uuid not null,
  start_date timestamptz not null,
  end_date timestamptz not null,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (end_date > start_date)
);
create index campaigns_list_idx on campaigns (created_at desc, id desc);
create index campaigns_owner_idx on campaigns (owner_id, created_at desc, id desc);
create index campaigns_status_idx on campaigns (status, created_at desc, id desc);
