import { createHmac, timingSafeEqual } from 'node:crypto'

/**
 * A donor key names a donor without revealing them (events end up in Elasticsearch): `u:<userId>`
 * when signed in, else `g:<hex HMAC-SHA256(secret, lower(trim(email)))>`, so one guest giving
 * twice counts as one donor, and nobody can read the email back out of it.
 */
export function donorKeyOf(
  donor: { userId?: string | undefined; email?: string | undefined },
  secret: string,
): string {
  if (donor.userId) return `u:${donor.userId}`
  return `g:${createHmac('sha256', secret).update(donor.email!.trim().toLowerCase()).digest('hex')}`
}

/** A guest's receipt token: an HMAC of the pledge id, checkable without storing anything. */
export function receiptTokenOf(pledgeId: string, secret: string): string {
  return createHmac('sha256', secret).update(`receipt:${pledgeId}`).digest('base64url')
}

export function isValidReceiptToken(pledgeId: string, token: string, secret: string): boolean {
  const expected = Buffer.from(receiptTokenOf(pledgeId, secret))
  const given = Buffer.from(token)
  return given.length === expected.length && timingSafeEqual(given, expected)
}
