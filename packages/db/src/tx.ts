import { withSpan } from '@careforall/otel'
import { backoffMs } from './backoff'
import type { Sql, TransactionSql } from './client'
import { recordTransaction } from './metrics'

/** SQLSTATEs worth retrying the whole transaction for: serialization failure and deadlock. */
const RETRYABLE = new Set(['40001', '40P01'])

export interface TransactionOptions {
  /** How many times to re-run the whole transaction after a serialization failure. */
  retries?: number
  isolation?: 'read committed' | 'repeatable read' | 'serializable'
  /** Span name, e.g. `pledge.create`. */
  name?: string
}

/**
 * Runs `work` in one transaction, traced as a span, re-running it from the start when PostgreSQL
 * reports a serialization failure or deadlock (the work must therefore be free of outside effects,
 * which is what the outbox is for). If retries run out, the 40001 surfaces and the HTTP layer
 * answers it as a retryable conflict.
 */
export async function withTransaction<T>(
  sql: Sql,
  work: (tx: TransactionSql) => Promise<T>,
  options: TransactionOptions = {},
): Promise<T> {
  const retries = options.retries ?? 3
  const begin = options.isolation ? `isolation level ${options.isolation}` : ''
  const name = options.name ?? 'unnamed'
  const attributes = { 'db.system.name': 'postgresql', 'db.operation.name': 'TRANSACTION' }
  return withSpan(`db.transaction ${options.name ?? ''}`.trim(), { attributes }, async (span) => {
    const started = performance.now()
    for (let attempt = 0; ; attempt++) {
      try {
        const result = (await sql.begin(begin, work)) as T
        span.setAttribute('db.transaction.attempts', attempt + 1)
        recordTransaction(name, (performance.now() - started) / 1000, 'commit')
        return result
      } catch (error) {
        const code = (error as { code?: string }).code
        if (!code || !RETRYABLE.has(code) || attempt >= retries) {
          recordTransaction(name, (performance.now() - started) / 1000, 'rollback')
          throw error
        }
        await Bun.sleep(backoffMs(attempt + 1, 5, 100))
      }
    }
  })
}
