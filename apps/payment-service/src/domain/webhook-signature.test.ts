import { describe, expect, it } from 'bun:test'
import { computeSignature, type SignatureFailure, verifySignature } from './webhook-signature'

const SECRET = 'whsec_current_0123456789'
const PREVIOUS = 'whsec_previous_0123456789'
const body = Buffer.from('{"id":"evt_1","type":"payment.captured"}')
const now = 1_800_000_000
const sign = (secret: string, t = now, raw: Uint8Array = body) =>
  `t=${t},v1=${computeSignature(secret, t, raw)}`

type Case = [string, string | undefined, Uint8Array, true | SignatureFailure]
const cases: Case[] = [
  ['a valid signature', sign(SECRET), body, true],
  ['a signature by the previous secret during rotation', sign(PREVIOUS), body, true],
  [
    'several v1 values, one of them ours',
    `${sign('whsec_someone_else_000')},v1=${computeSignature(SECRET, now, body)}`,
    body,
    true,
  ],
  ['an unknown scheme beside v1', `${sign(SECRET)},v0=abc`, body, true],
  ['a tampered body', sign(SECRET), Buffer.from('{"id":"evt_1","type":"payment.refunded"}'), 'mismatch'],
  ['a wrong secret', sign('whsec_wrong_secret_00000'), body, 'mismatch'],
  ['a timestamp 5 minutes and 1 second old', sign(SECRET, now - 301), body, 'stale'],
  ['a timestamp 5 minutes and 1 second ahead', sign(SECRET, now + 301), body, 'future'],
  ['a timestamp exactly 5 minutes old', sign(SECRET, now - 300), body, true],
  ['no header', undefined, body, 'missing'],
  ['an empty header', '', body, 'missing'],
  ['no timestamp', `v1=${computeSignature(SECRET, now, body)}`, body, 'malformed'],
  ['no v1', `t=${now}`, body, 'malformed'],
  ['a v1 that is not hex', `t=${now},v1=zz${'0'.repeat(62)}`, body, 'malformed'],
  ['a short v1', `t=${now},v1=abcd`, body, 'malformed'],
  ['a timestamp that is not a number', `t=soon,v1=${computeSignature(SECRET, now, body)}`, body, 'malformed'],
  ['two timestamps', `t=${now},t=${now},v1=${computeSignature(SECRET, now, body)}`, body, 'malformed'],
  ['garbage', 'hello', body, 'malformed'],
]

describe('webhook signatures', () => {
  it.each(cases)('judges %s', (_, header, raw, expected) => {
    const result = verifySignature({ header, body: raw, secrets: [SECRET, PREVIOUS], nowSeconds: now })
    if (expected === true) expect(result.ok).toBe(true)
    else expect(result).toEqual({ ok: false, reason: expected })
  })

  it('refuses the previous secret once it is no longer configured', () => {
    const result = verifySignature({ header: sign(PREVIOUS), body, secrets: [SECRET], nowSeconds: now })
    expect(result).toEqual({ ok: false, reason: 'mismatch' })
  })
})
