import { createHmac, timingSafeEqual } from 'node:crypto'

/** A webhook older or newer than this (seconds) is refused: a replayed capture stays a replay. */
export const SIGNATURE_TOLERANCE_SECONDS = 300

export type SignatureFailure = 'missing' | 'malformed' | 'stale' | 'future' | 'mismatch'
export type SignatureCheck = { ok: true; timestamp: number } | { ok: false; reason: SignatureFailure }

/** hex HMAC-SHA256(secret, "<t>.<raw body>"), the `v1` scheme of `X-Sandbox-Signature`. */
export function computeSignature(secret: string, timestamp: number, body: Uint8Array | string): string {
  return createHmac('sha256', secret).update(`${timestamp}.`).update(body).digest('hex')
}

/** `t=<unix>,v1=<hex>[,v1=<hex>…]`; unknown schemes are ignored, a bad `t` or `v1` is malformed. */
export function parseSignatureHeader(
  header: string,
): { timestamp: number; signatures: string[] } | undefined {
  let timestamp: number | undefined
  const signatures: string[] = []
  for (const part of header.split(',')) {
    const at = part.indexOf('=')
    if (at <= 0) return undefined
    const key = part.slice(0, at).trim()
    const value = part.slice(at + 1).trim()
    if (key === 't') {
      if (timestamp !== undefined || !/^\d{1,12}$/.test(value)) return undefined
      timestamp = Number(value)
    } else if (key === 'v1') {
      if (!/^[0-9a-f]{64}$/.test(value)) return undefined
      signatures.push(value)
    }
  }
  if (timestamp === undefined || signatures.length === 0) return undefined
  return { timestamp, signatures }
}

/**
 * Verifies a signature over the RAW body bytes: any `v1` may match any of our secrets (the current
 * one and, during a rotation, the previous one). Every pair is compared in constant time and all
 * pairs are compared, so timing says nothing about which one matched or how much of it.
 */
export function verifySignature(options: {
  header: string | undefined
  body: Uint8Array
  secrets: string[]
  nowSeconds: number
}): SignatureCheck {
  if (!options.header) return { ok: false, reason: 'missing' }
  const parsed = parseSignatureHeader(options.header)
  if (!parsed) return { ok: false, reason: 'malformed' }
  const age = options.nowSeconds - parsed.timestamp
  if (age > SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'stale' }
  if (age < -SIGNATURE_TOLERANCE_SECONDS) return { ok: false, reason: 'future' }
  let matched = false
  for (const secret of options.secrets) {
    const expected = Buffer.from(computeSignature(secret, parsed.timestamp, options.body), 'hex')
    for (const given of parsed.signatures) {
      if (timingSafeEqual(expected, Buffer.from(given, 'hex'))) matched = true
    }
  }
  return matched ? { ok: true, timestamp: parsed.timestamp } : { ok: false, reason: 'mismatch' }
}
