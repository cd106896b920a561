-- The refunds a rebuild read from the payment summary, by id. Swapped in with the ledger and
-- recorded in `refunds`, so a refund event that was still on its way when the summary was read
-- finds its id there and is not counted a second time.
create table rebuild_staging_refunds (
  refund_id uuid primary key,
  payment_id uuid not null,
  amount_cents bigint not null check (amount_cents > 0),
  refunded_at timestamptz not null
);
