-- ARCHITECTURE.md's pledges table, with DESIGN.md's rules: no cross-schema reference to
-- campaigns, user_id null for guests (donor_email, donor_key), timestamptz.
create table pledges (
  id uuid primary key,
  campaign_id uuid not null,
  user_id uuid,
  donor_email text,
  donor_key text not null,
  amount numeric(12, 2) not null check (amount > 0),
  state varchar(20) not null check (state in ('PENDING', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED')),
  payment_intent_id varchar(255),
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  check (user_id is not null or donor_email is not null)
);
create index pledges_campaign_idx on pledges (campaign_id, created_at desc, id desc);
create index pledges_user_idx on pledges (user_id, created_at desc, id desc) where user_id is not null;
