-- One sequence per room: every entry of a room's history (a message posted, a message deleted)
-- takes the next number, under the room row's lock, so numbers follow commit order with no gap,
-- and a client that reconnects with the last number it saw gets exactly what it missed.
create table rooms (
  campaign_id uuid primary key,
  last_seq bigint not null default 0
);

alter table messages add column seq bigint;
alter table messages add column deleted_seq bigint;
alter table messages add column deleted_by uuid;
-- Messages from before the sequence (none outside development) are numbered in their order.
update messages m set seq = n.seq
from (select id, row_number() over (partition by campaign_id order by created_at, id) as seq from messages) n
where m.id = n.id;
insert into rooms (campaign_id, last_seq)
select campaign_id, max(seq) from messages group by campaign_id;
alter table messages alter column seq set not null;
create unique index messages_room_seq_idx on messages (campaign_id, seq);
create unique index messages_room_deleted_seq_idx on messages (campaign_id, deleted_seq) where deleted_seq is not null;
drop index messages_campaign_idx;

-- A user muted in a room until a time, by its owner or an admin.
create table mutes (
  campaign_id uuid not null,
  user_id uuid not null,
  until timestamptz not null,
  muted_by uuid not null,
  created_at timestamptz not null default now(),
  primary key (campaign_id, user_id)
);
