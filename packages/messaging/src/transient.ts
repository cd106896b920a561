/**
 * Errors that say the database is unreachable or restarting, not that the handler is wrong:
 * postgres.js connection codes, SQLSTATE classes 08 (connection) and 57P (shutdown), and 53300
 * (too many connections). A delivery that meets one waits for the database instead of burning
 * its retries, so a database restart longer than the retry ladder parks nothing in the DLQ.
 */
const TRANSIENT = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'CONNECTION_CLOSED',
  'CONNECTION_ENDED',
  'CONNECTION_DESTROYED',
  'CONNECT_TIMEOUT',
  '53300',
])

export function isTransientDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code
  if (typeof code !== 'string') return false
  return TRANSIENT.has(code) || code.startsWith('08') || code.startsWith('57P')
}
