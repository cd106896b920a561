import { describe, expect, it } from 'bun:test'
import { recoveryAfter } from './recovery'
import { checkRefund, refundableCents } from './refunds'

describe('refund rules', () => {
  it.each([
    // captured, refunded, pending, refundable
    [10_000, 0, 0, 10_000],
    [10_000, 4000, 0, 6000],
    [10_000, 4000, 6000, 0],
    [10_000, 0, 6000, 4000],
    [10_000, 10_000, 0, 0],
  ])('from %d captured, %d refunded and %d pending leaves %d', (captured, refunded, pending, left) => {
    expect(refundableCents(captured, refunded, pending)).toBe(left)
  })

  it('refunds all that remains when no amount is given', () => {
    expect(checkRefund(undefined, 4000)).toEqual({ ok: true, amountCents: 4000 })
  })
  it('refuses more than remains, naming what may still be refunded', () => {
    expect(checkRefund(6000, 4000)).toEqual({ ok: false, problem: 'over-refund', refundableCents: 4000 })
  })
  it('refuses any refund when nothing remains', () => {
    expect(checkRefund(undefined, 0)).toEqual({ ok: false, problem: 'nothing-left', refundableCents: 0 })
    expect(checkRefund(1, 0).ok).toBe(false)
  })
})

describe('recovery points', () => {
  it.each([
    ['AUTHORIZED', 'awaiting_authorization', 'auto', 'capture'],
    ['AUTHORIZED', 'awaiting_authorization', 'manual', 'awaiting_capture'],
    ['AUTHORIZED', 'authorize', 'auto', 'capture'],
    ['AUTHORIZED', 'awaiting_capture_result', 'auto', 'awaiting_capture_result'],
    ['AUTHORIZED', 'void', 'auto', 'void'],
    ['CAPTURED', 'capture', 'auto', 'finished'],
    ['FAILED', 'awaiting_authorization', 'manual', 'finished'],
    ['PENDING', 'authorize', 'auto', 'authorize'],
  ] as const)('after %s at %s in %s mode goes to %s', (status, current, mode, next) => {
    expect(recoveryAfter(status, current, mode)).toBe(next)
  })
})
