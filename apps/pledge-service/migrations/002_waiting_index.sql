-- Stuck pledges (GET /api/pledges?stuck=true): few pledges wait in PENDING or AUTHORIZED at any
-- time (their payment moves them on within seconds), so this partial index in list order holds
-- only those, and the stuck list's keyset pages never read the settled ones.
create index pledges_waiting_idx on pledges (created_at desc, id desc) where state in ('PENDING', 'AUTHORIZED');
