-- When each staged payment was captured (from the payment summary): the rebuild sets the ledger's
-- captured_at from it and recomputes the per-day statistics from the ledger and the refunds.
alter table rebuild_staging add column captured_at timestamptz;
