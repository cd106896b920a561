const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' })
const dateTime = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'short',
  timeZone: 'UTC',
})
const date = new Intl.DateTimeFormat('en-GB', { dateStyle: 'medium', timeZone: 'UTC' })

/** USD, as the API's amounts are (numbers with at most 2 decimals). */
export function money(amount: number | null | undefined): string {
  return amount === null || amount === undefined ? '—' : usd.format(amount)
}

/** Times are shown in UTC, the platform's day boundary (the stats buckets are UTC days). */
export function formatDateTime(iso: string | null | undefined): string {
  return iso ? `${dateTime.format(new Date(iso))} UTC` : '—'
}

export function formatDate(iso: string | null | undefined): string {
  return iso ? date.format(new Date(iso)) : '—'
}

export function shortId(id: string | null | undefined): string {
  return id ? id.slice(-8) : '—'
}

/** `YYYY-MM-DD` of a date, in UTC. */
export function isoDay(at: Date): string {
  return at.toISOString().slice(0, 10)
}
