-- Runs once, when the compose volume of PostgreSQL is first initialised
-- (/docker-entrypoint-initdb.d). The platform's own database, schemas and roles are NOT made here:
-- the one-shot `setup` service makes them with `bun run setup`'s code, as on a developer machine.
-- pg_stat_statements (preloaded by the server's command line) feeds postgres-exporter's
-- pg_stat_statements_* metrics on the database dashboard.
create extension if not exists pg_stat_statements;
