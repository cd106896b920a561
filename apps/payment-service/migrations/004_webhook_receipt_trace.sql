-- The trace context of the request that first delivered a webhook. Applying it continues the
-- donation's trace (the payment row's context, never anything the provider sends) and links to
-- the receipt, so an operator can go from the applied fact to the delivery that carried it.
alter table webhooks add column receipt_trace_headers jsonb not null default '{}';
