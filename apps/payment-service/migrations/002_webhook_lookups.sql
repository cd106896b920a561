-- Webhooks are looked up by their key (provider, id) many times a second. While a table has no
-- statistics yet (a new deployment's first minute), PostgreSQL may prefer any index that shares
-- the key's leading column (this one did, and scanned every row of the provider) or a partial
-- index whose predicate the query repeats. Indexed by the transaction id alone, it no longer
-- competes with the primary key; the provider is checked on the few rows it returns.
drop index webhooks_txn_idx;
create index webhooks_txn_idx on webhooks (provider_transaction_id);
