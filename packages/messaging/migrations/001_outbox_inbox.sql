-- The transactional outbox: a business row and the events it causes commit together; the relay
-- publishes unsent rows (claimed with FOR UPDATE SKIP LOCKED) and marks them sent.
create table outbox (
  id uuid primary key,                      -- the CloudEvent id, also the AMQP messageId
  aggregate text not null,                  -- e.g. 'pledge'
  aggregate_id text,
  type text not null,                       -- event type = routing key
  exchange text not null,
  payload jsonb not null,                   -- the whole CloudEvents envelope
  metadata jsonb not null default '{}',     -- traceparent/tracestate of the producing request
  created_at timestamptz not null default clock_timestamp(),
  locked_until timestamptz,
  processed_at timestamptz,
  attempts integer not null default 0,
  last_error text
);
create index outbox_unsent_idx on outbox (created_at) where processed_at is null;

-- Wake the relay as soon as a transaction with outbox rows commits (NOTIFY is delivered at commit).
create function outbox_notify() returns trigger language plpgsql as $$
begin
  perform pg_notify(tg_table_schema || '_outbox', '');
  return null;
end $$;
create trigger outbox_notify after insert on outbox for each statement execute function outbox_notify();

-- The inbox: an event id is recorded in the same transaction as its effect, so a redelivered
-- event is recognised and skipped (one effect per event per consumer).
create table inbox (
  consumer text not null,
  event_id text not null,
  type text not null,
  received_at timestamptz not null default clock_timestamp(),
  primary key (consumer, event_id)
);
