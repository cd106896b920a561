/**
 * The delay before retry number `attempt` (1-based): doubling from `baseMs`, at most `maxMs`, with
 * ±25 % jitter so that clients failing together do not retry together. The one backoff of the
 * platform: transactions retried after a serialization failure, a database not up yet, consumers
 * waiting for their broker, provider calls and webhook redeliveries.
 */
export function backoffMs(attempt: number, baseMs: number, maxMs: number, random = Math.random): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 1))
  return Math.round(raw * (0.75 + random() * 0.5))
}
