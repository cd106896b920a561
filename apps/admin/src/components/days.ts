/*
 * Days as the panel's date inputs give them (`YYYY-MM-DD`, read as UTC days, the platform's day
 * boundary) and the instants the API's date filters take.
 */

const DAY_MS = 86_400_000
const DAY = /^\d{4}-\d{2}-\d{2}$/

export function isDay(value: string): boolean {
  return DAY.test(value) && !Number.isNaN(Date.parse(`${value}T00:00:00.000Z`))
}

/** The first instant of the day: a `from` filter that includes the day. */
export function dayStart(day: string): string {
  return `${day}T00:00:00.000Z`
}

/** The first instant after the day: the pledge list's `to` is exclusive, so this includes the day. */
export function dayAfter(day: string): string {
  return new Date(Date.parse(dayStart(day)) + DAY_MS).toISOString()
}

export function addDays(day: string, days: number): string {
  return new Date(Date.parse(dayStart(day)) + days * DAY_MS).toISOString().slice(0, 10)
}

/** How many days `from`..`to` covers, both included. */
export function daysIncluded(from: string, to: string): number {
  return Math.round((Date.parse(dayStart(to)) - Date.parse(dayStart(from))) / DAY_MS) + 1
}

/** Checks a from/to pair of optional days; the messages go under the fields. */
export function checkDayRange(from: string, to: string): Record<string, string> {
  const errors: Record<string, string> = {}
  if (from && !isDay(from)) errors.from = 'Give a date'
  if (to && !isDay(to)) errors.to = 'Give a date'
  if (!errors.from && !errors.to && from && to && from > to) errors.to = 'Must not be before the start date'
  return errors
}
