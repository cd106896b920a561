-- The audit log's filters (GET /api/auth/audit?action=&actorId=&targetId=), each in the list's
-- order, so a filtered page reads only its own entries, newest first, from where the cursor is.
-- The time window (from, to) uses audit_log_at_idx.
create index audit_log_action_idx on audit_log (action, at desc, id desc);
create index audit_log_actor_idx on audit_log (actor_id, at desc, id desc);
create index audit_log_target_idx on audit_log (target_id, at desc, id desc);
