-- Sent outbox rows and inbox rows are kept for a while (to look into, to dedupe redeliveries),
-- then removed by the messaging reaper in batches, oldest first: these indexes find them.
create index outbox_sent_idx on outbox (processed_at) where processed_at is not null;
create index inbox_received_idx on inbox (received_at);
