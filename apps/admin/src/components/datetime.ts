/*
 * `<input type="datetime-local">` has no time zone. The panel shows every time in UTC (the
 * platform's day boundary), so its date inputs are read and filled in UTC as well, and labelled so:
 * what an admin types is what the campaign page shows.
 */

/** The input value (`YYYY-MM-DDTHH:mm`, UTC) of an ISO time; '' for none. */
export function toUtcInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const at = new Date(iso)
  return Number.isNaN(at.getTime()) ? '' : at.toISOString().slice(0, 16)
}

/** The ISO time of an input value read as UTC; undefined when the input is empty or not a time. */
export function fromUtcInput(value: string): string | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?$/.test(value)) return undefined
  const at = new Date(`${value}Z`)
  return Number.isNaN(at.getTime()) ? undefined : at.toISOString()
}
