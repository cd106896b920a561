import type { Logger } from '@careforall/logger'
import { backoffMs } from './backoff'
import { createDb, type Sql } from './client'
import { migrate } from './migrate'

export interface MigrationSet {
  module: string
  dir: string
}

export interface OpenDatabaseOptions {
  url: string
  schema: string
  /** Applied in order at start: shared packages' sets first, then the service's own. */
  migrations: MigrationSet[]
  logger: Logger
  max?: number
  /** How long to keep trying while PostgreSQL is not reachable yet (compose start order). */
  waitMs?: number
}

/**
 * A service's database at start: the pool on its own role, every pending migration applied (under
 * the advisory lock), retried with backoff while the server is not up yet.
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<Sql> {
  const sql = createDb({ url: options.url, schema: options.schema, max: options.max ?? 10 })
  const deadline = Date.now() + (options.waitMs ?? 30_000)
  for (let attempt = 0; ; attempt++) {
    try {
      for (const set of options.migrations) {
        await migrate(sql, {
          schema: options.schema,
          dir: set.dir,
          module: set.module,
          logger: options.logger,
        })
      }
      return sql
    } catch (error) {
      const code = (error as { code?: string }).code
      const unreachable = code === 'ECONNREFUSED' || code === 'CONNECT_TIMEOUT' || code === '57P03'
      if (!unreachable || Date.now() > deadline) {
        await sql.end({ timeout: 1 })
        throw error
      }
      options.logger.warn({ attempt }, 'database not reachable yet; retrying')
      await Bun.sleep(backoffMs(attempt + 1, 100, 2000))
    }
  }
}
