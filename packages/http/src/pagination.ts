import { type Cursor, decodeCursor, encodeCursor } from '@careforall/contracts'
import { BadRequestError } from './errors'

/** The keyset position a `cursor` query parameter names; a 400 when it is not one of ours. */
export function cursorFrom(raw: string | undefined): Cursor | undefined {
  if (raw === undefined) return undefined
  const cursor = decodeCursor(raw)
  if (!cursor) throw new BadRequestError('The cursor is not valid')
  return cursor
}

/**
 * The cursor of the next page: the (created_at, id) of the last row when the page came back full,
 * null when this was the last page. Lists fetch `limit` rows ordered `created_at DESC, id DESC`,
 * and the next page continues strictly after this position, so rows inserted meanwhile (newer)
 * never shift what the following pages return.
 */
export function nextCursorOf<T>(
  rows: T[],
  limit: number,
  position: (row: T) => { createdAt: Date; id: string },
): string | null {
  if (rows.length < limit || rows.length === 0) return null
  const last = position(rows.at(-1)!)
  return encodeCursor({ createdAt: last.createdAt.toISOString(), id: last.id })
}
