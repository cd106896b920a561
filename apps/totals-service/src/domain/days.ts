/**
 * Calendar days for the admin panel's per-day statistics. Days are UTC: the charts must not move
 * with the server's time zone, and the payment service stamps its events in UTC.
 */

const DAY_MS = 86_400_000
const DAY = /^\d{4}-\d{2}-\d{2}$/

/** `YYYY-MM-DD` of an instant, in UTC. */
export function dayOf(instant: Date | string): string {
  return new Date(instant).toISOString().slice(0, 10)
}

/** Whether `value` is a real calendar day written `YYYY-MM-DD` (not 2026-02-30). */
export function isDay(value: string): boolean {
  if (!DAY.test(value)) return false
  const time = Date.parse(`${value}T00:00:00Z`)
  return Number.isFinite(time) && dayOf(new Date(time)) === value
}

export function addDays(day: string, days: number): string {
  return dayOf(new Date(Date.parse(`${day}T00:00:00Z`) + days * DAY_MS))
}

/** How many days `from`..`to` covers, both included (0 when `to` is before `from`). */
export function daysCovered(from: string, to: string): number {
  return Math.max(
    0,
    Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / DAY_MS) + 1,
  )
}

/** Every day from `from` to `to`, both included, so a chart gets a bucket for quiet days too. */
export function eachDay(from: string, to: string): string[] {
  return Array.from({ length: daysCovered(from, to) }, (_, index) => addDays(from, index))
}

/** How many rows one day's statistics are spread over, so concurrent events rarely wait on one row. */
export const STATS_SHARDS = 8

/** A stable shard for a payment (FNV-1a of its id): the same payment always lands on the same row. */
export function statsShard(paymentId: string): number {
  let hash = 0x811c9dc5
  for (let index = 0; index < paymentId.length; index++) {
    hash ^= paymentId.charCodeAt(index)
    hash = Math.imul(hash, 0x01000193)
  }
  return (hash >>> 0) % STATS_SHARDS
}

/** The longest range one statistics request may cover, and the range given when none is asked for. */
export const MAX_RANGE_DAYS = 366
export const DEFAULT_RANGE_DAYS = 30

export type DayRange = { from: string; to: string } | { error: { path: 'from' | 'to'; message: string } }

/**
 * The range a statistics request covers: `to` defaults to today, `from` to 30 days before `to`;
 * `from` after `to`, or more than a year, is refused rather than quietly clipped.
 */
export function dayRange(from: string | undefined, to: string | undefined, today: string): DayRange {
  const end = to ?? today
  const start = from ?? addDays(end, -(DEFAULT_RANGE_DAYS - 1))
  if (start > end) return { error: { path: 'from', message: 'from must not be after to' } }
  if (daysCovered(start, end) > MAX_RANGE_DAYS) {
    return { error: { path: 'from', message: `at most ${MAX_RANGE_DAYS} days at once` } }
  }
  return { from: start, to: end }
}
