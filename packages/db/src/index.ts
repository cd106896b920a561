export { backoffMs } from './backoff'
export {
  applicationNameOf,
  createDb,
  type DbOptions,
  jsonb,
  pingDb,
  type Queryable,
  type Sql,
  type TransactionSql,
} from './client'
export { claimDue, type DueWork } from './lease'
export { type DbGauge, type DbMetricsOptions, type GaugeRow, observeDatabase } from './metrics'
export { type MigrateOptions, migrate, quoteIdent, readMigrations } from './migrate'
export { type MigrationSet, type OpenDatabaseOptions, openDatabase } from './open'
export {
  type EnsureSchemasOptions,
  ensureDatabase,
  ensureSchemas,
  roleOf,
  roleUrl,
  SCHEMAS,
  type SchemaName,
  withDatabase,
} from './setup'
export { type TransactionOptions, withTransaction } from './tx'
