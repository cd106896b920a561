-- ARCHITECTURE.md's campaign_totals, with DESIGN.md's rules: no cross-schema reference,
-- timestamptz, and the total can never go negative.
create table campaign_totals (
  campaign_id uuid primary key,
  total_amount numeric(12, 2) not null default 0 check (total_amount >= 0),
  total_pledges integer not null default 0 check (total_pledges >= 0),
  total_donors integer not null default 0 check (total_donors >= 0),
  last_updated timestamptz not null default now()
);
