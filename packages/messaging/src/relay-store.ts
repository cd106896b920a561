import { backoffMs, claimDue, type Sql } from '@careforall/db'
import postgres from 'postgres'
import type { OutboxRow } from './relay-publish'

/**
 * The relay's bookkeeping on the outbox table, on two connections of its own opened with
 * `synchronous_commit = off`: a claim or a "sent" mark lost in a database crash only means the
 * row is published again, which the consumers' inbox absorbs, while not waiting for the WAL
 * flush takes a disk sync off every hop, in one round trip per statement. The business
 * transaction that wrote the row stays fully durable.
 */
export interface RelayStore {
  /** Leases up to `limit` due rows (unsent, not leased, not backing off), oldest first. */
  claim(limit: number): Promise<OutboxRow[]>
  markSent(ids: string[]): Promise<void>
  /** Backs the rows off (250 ms doubling per attempt, at most a minute) and records why. */
  markFailed(rows: Pick<OutboxRow, 'id' | 'attempts'>[], error: string): Promise<void>
  /** NOTIFY on the relay's own connections (the listener's liveness pings). */
  notify(channel: string, payload: string): Promise<void>
  /** Unsent rows and the age of the oldest, for the backlog gauges. */
  backlog(): Promise<{ count: number; age: number }>
  end(): Promise<void>
}

export interface RelayStoreOptions {
  databaseUrl: string
  schema: string
  leaseMs: number
  /** The service's pool, for the gauges' reads (the relay's own connections stay free). */
  sql: Sql
}

export function relayStore(options: RelayStoreOptions): RelayStore {
  const { leaseMs, sql } = options
  const db = postgres(options.databaseUrl, {
    max: 2,
    idle_timeout: 30,
    onnotice: () => undefined,
    // postgres.js drops the promise of its startup type query: a connection killed during it
    // (a database restart) becomes an unhandled rejection (porsager/postgres#1192, #1223).
    // Without it, ids travel as one comma-separated text instead of a JS array parameter.
    fetch_types: false,
    connection: {
      search_path: options.schema,
      synchronous_commit: 'off',
      application_name: `careforall-${options.schema}-relay`,
    },
  })
  return {
    claim: async (limit) => {
      const rows = await claimDue<OutboxRow>(db, {
        table: 'outbox',
        due: db`processed_at is null`,
        orderBy: 'created_at',
        limit,
        leaseMs,
        returning: `id, type, exchange, payload::text as payload, metadata::text as metadata,
          created_at as "createdAt", attempts`,
      })
      return [...rows].sort((a, b) => a.createdAt.getTime() - b.createdAt.getTime())
    },
    markSent: async (ids) => {
      await db`
        update outbox set processed_at = clock_timestamp(), locked_until = null, last_error = null
        where id = any(string_to_array(${ids.join(',')}, ',')::uuid[])`
    },
    markFailed: async (rows, error) => {
      const ids = rows.map((row) => row.id).join(',')
      const delays = rows.map((row) => backoffMs(row.attempts, 250, 60_000)).join(',')
      await db`
        update outbox o
        set locked_until = now() + f.delay * interval '1 millisecond', last_error = ${error}
        from unnest(string_to_array(${ids}, ',')::uuid[], string_to_array(${delays}, ',')::float8[])
          as f (id, delay)
        where o.id = f.id`
    },
    notify: async (channel, payload) => {
      await db`select pg_notify(${channel}, ${payload})`
    },
    backlog: async () => {
      const [row] = await sql<{ count: number; age: number }[]>`
        select count(*)::int as count,
          coalesce(extract(epoch from now() - min(created_at)), 0)::float8 as age
        from outbox where processed_at is null`
      return row ?? { count: 0, age: 0 }
    },
    end: () => db.end({ timeout: 1 }),
  }
}
