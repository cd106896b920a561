import postgres from 'postgres'

export type Sql = postgres.Sql
export type TransactionSql = postgres.TransactionSql
/** What a store function needs: the pool or a transaction, either one. */
export type Queryable = postgres.ISql

export interface DbOptions {
  /** The service's own role: it can touch only its own schema. */
  url: string
  /** The schema the role owns; also its search_path. */
  schema: string
  /** Pool size; keep it small (PostgreSQL allows 100 connections on this machine). */
  max?: number
  /** Shown in pg_stat_activity, so an operator can tell the services' connections apart. */
  applicationName?: string
}

/** The `application_name` a service's pool shows in pg_stat_activity (`careforall-pledge`). */
export function applicationNameOf(schema: string): string {
  return `careforall-${schema}`
}

/**
 * A postgres.js pool for one service. Columns come back camelCased and `sql(object)` writes
 * snake_case; NUMERIC and int8 come back as strings (convert money with the contracts helpers).
 */
export function createDb(options: DbOptions): Sql {
  return postgres(options.url, {
    max: options.max ?? 10,
    idle_timeout: 30,
    connect_timeout: 10,
    transform: postgres.camel,
    onnotice: () => undefined,
    connection: {
      search_path: options.schema,
      application_name: options.applicationName ?? applicationNameOf(options.schema),
    },
  })
}

/** Whether the database answers a trivial query within the timeout (for `/ready`). */
export async function pingDb(sql: Sql, timeoutMs = 1000): Promise<boolean> {
  let timer: Timer | undefined
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs)
  })
  try {
    return await Promise.race([sql`select 1`.then(() => true), timeout])
  } catch {
    return false
  } finally {
    clearTimeout(timer)
  }
}

/**
 * A value for a `jsonb` parameter: any JSON-serializable object or array (postgres.js types its
 * `json()` helper narrowly, so the widening happens here, once).
 */
export function jsonb(sql: Queryable, value: unknown): postgres.Parameter {
  return sql.json(value as postgres.JSONValue)
}
