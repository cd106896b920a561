create table messages (
  id uuid primary key,
  campaign_id uuid not null,
  user_id uuid not null,
  user_name text not null,
  message text not null check (char_length(message) between 1 and 2000),
  created_at timestamptz not null default now(),
  deleted_at timestamptz
);
create index messages_campaign_idx on messages (campaign_id, created_at desc, id desc);
