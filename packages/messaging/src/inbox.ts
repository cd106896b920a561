import type { Queryable } from '@careforall/db'
import type postgres from 'postgres'

/**
 * A query of the events a consumer has applied, among `eventIds`: rows `(event_id)`, for a
 * service to join with its own tables in the same statement (the inbox row and the effect commit
 * together, so a row read beside a found event includes that event's effect). The inbox's layout
 * stays messaging's own: services use this instead of reading the table.
 */
export function consumedEvents(
  sql: Queryable,
  consumer: string,
  eventIds: string[],
): postgres.PendingQuery<postgres.Row[]> {
  return sql`
    (select event_id from inbox where consumer = ${consumer} and event_id = any(${eventIds}::text[]))`
}
