import { z } from '@hono/zod-openapi'

/** UUID of any of our entities (v7 where we generate ordered ids). */
export const Id = z.uuid().openapi({ example: '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f' })

/** Money in the API: a JSON number > 0 with at most 2 decimals, in the platform currency (USD). */
export const Money = z
  .number()
  .positive()
  .max(9_999_999_999.99)
  .refine((value) => Math.abs(value * 100 - Math.round(value * 100)) < 1e-6, {
    message: 'at most 2 decimals',
  })
  .openapi({ example: 25.5, description: 'Amount in USD, > 0, at most 2 decimals' })

/** Money in events and webhooks: integer cents. */
export const Cents = z.number().int().nonnegative()

export const CURRENCY = 'USD' as const
export const Currency = z.literal(CURRENCY)

/** Converts an API amount to integer cents; never add floats. */
export function toCents(amount: number): number {
  return Math.round(amount * 100)
}

/** Converts integer cents to the API's JSON number (exact for 2 decimals). */
export function fromCents(cents: number): number {
  return cents / 100
}

/** Converts a NUMERIC(12,2) column (postgres.js returns a string) to integer cents. */
export function numericToCents(value: string): number {
  const [whole = '0', fraction = ''] = value.split('.')
  const sign = whole.startsWith('-') ? -1 : 1
  return sign * (Math.abs(Number(whole)) * 100 + Number(fraction.padEnd(2, '0').slice(0, 2)))
}

/** Converts integer cents to a NUMERIC literal for SQL. */
export function centsToNumeric(cents: number): string {
  const sign = cents < 0 ? '-' : ''
  const abs = Math.abs(cents)
  return `${sign}${Math.trunc(abs / 100)}.${String(abs % 100).padStart(2, '0')}`
}

export const Timestamp = z.iso.datetime({ offset: true }).openapi({ example: '2026-11-25T12:00:00.000Z' })

/** Keyset pagination: `limit` (max 100) and an opaque `cursor` from the previous page. */
export const PageQuery = z.object({
  limit: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(20)
    .openapi({ description: 'Page size, at most 100' }),
  cursor: z.string().max(512).optional().openapi({ description: 'nextCursor of the previous page' }),
})

export function page<T extends z.ZodType>(item: T) {
  return z.object({ items: z.array(item), nextCursor: z.string().nullable() })
}

/** A keyset position: the ordering columns of the last row of a page. */
export interface Cursor {
  createdAt: string
  id: string
}

export function encodeCursor(cursor: Cursor): string {
  return Buffer.from(JSON.stringify([cursor.createdAt, cursor.id])).toString('base64url')
}

/** Decodes a cursor; undefined when it is not one of ours (the caller answers 400). */
export function decodeCursor(raw: string): Cursor | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(raw, 'base64url').toString())
    const parsed = z.tuple([z.iso.datetime({ offset: true }), z.uuid()]).safeParse(value)
    return parsed.success ? { createdAt: parsed.data[0], id: parsed.data[1] } : undefined
  } catch {
    return undefined
  }
}
