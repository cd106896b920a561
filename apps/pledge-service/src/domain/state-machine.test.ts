import { describe, expect, it } from 'bun:test'
import type { PledgeState } from '@careforall/contracts'
import fc from 'fast-check'
import { applyFact, isForward, type PaymentFact } from './state-machine'

const pledge = (state: PledgeState, refundedCents = 0) => ({ state, amountCents: 1000, refundedCents })

describe('applyFact', () => {
  const table: [PledgeState, PaymentFact, PledgeState, string[]][] = [
    ['PENDING', { kind: 'authorized' }, 'AUTHORIZED', ['PENDING>AUTHORIZED']],
    ['PENDING', { kind: 'captured' }, 'CAPTURED', ['PENDING>AUTHORIZED', 'AUTHORIZED>CAPTURED']],
    ['PENDING', { kind: 'failed' }, 'FAILED', ['PENDING>FAILED']],
    ['AUTHORIZED', { kind: 'authorized' }, 'AUTHORIZED', []],
    ['AUTHORIZED', { kind: 'captured' }, 'CAPTURED', ['AUTHORIZED>CAPTURED']],
    ['AUTHORIZED', { kind: 'failed' }, 'FAILED', ['AUTHORIZED>FAILED']],
    ['CAPTURED', { kind: 'authorized' }, 'CAPTURED', []],
    ['CAPTURED', { kind: 'captured' }, 'CAPTURED', []],
    ['CAPTURED', { kind: 'failed' }, 'CAPTURED', []],
    ['CAPTURED', { kind: 'refunded', amountCents: 400 }, 'CAPTURED', []],
    ['CAPTURED', { kind: 'refunded', amountCents: 1000 }, 'REFUNDED', ['CAPTURED>REFUNDED']],
    ['REFUNDED', { kind: 'captured' }, 'REFUNDED', []],
    ['REFUNDED', { kind: 'authorized' }, 'REFUNDED', []],
    ['FAILED', { kind: 'authorized' }, 'FAILED', []],
    ['FAILED', { kind: 'captured' }, 'FAILED', []],
    ['FAILED', { kind: 'refunded', amountCents: 1000 }, 'FAILED', []],
  ]
  it.each(table)('from %s on %o goes to %s', (from, fact, to, steps) => {
    const outcome = applyFact(pledge(from), fact)
    expect(outcome.state).toBe(to)
    expect(outcome.transitions.map((t) => `${t.from}>${t.to}`)).toEqual(steps)
  })

  it('adds partial refunds and becomes REFUNDED when they reach the amount', () => {
    const first = applyFact(pledge('CAPTURED'), { kind: 'refunded', amountCents: 600 })
    expect(first).toMatchObject({ state: 'CAPTURED', refundedCents: 600 })
    const second = applyFact(
      { ...pledge('CAPTURED'), refundedCents: 600 },
      { kind: 'refunded', amountCents: 400 },
    )
    expect(second).toMatchObject({ state: 'REFUNDED', refundedCents: 1000 })
  })

  it('keeps a refund seen before its capture and completes it when the capture arrives', () => {
    const early = applyFact(pledge('AUTHORIZED'), { kind: 'refunded', amountCents: 1000 })
    expect(early).toMatchObject({ state: 'AUTHORIZED', refundedCents: 1000, transitions: [] })
    const captured = applyFact({ ...pledge('AUTHORIZED'), refundedCents: 1000 }, { kind: 'captured' })
    expect(captured.state).toBe('REFUNDED')
    expect(captured.transitions.map((t) => t.to)).toEqual(['CAPTURED', 'REFUNDED'])
  })

  it('never refunds past the amount', () => {
    expect(
      applyFact({ ...pledge('CAPTURED'), refundedCents: 900 }, { kind: 'refunded', amountCents: 500 })
        .refundedCents,
    ).toBe(1000)
  })
})

/** A true history of one payment, from which the events are drawn. */
const histories = fc.oneof(
  fc.constant<PaymentFact[]>([{ kind: 'authorized' }, { kind: 'failed' }]),
  fc.constant<PaymentFact[]>([{ kind: 'failed' }]),
  fc.constant<PaymentFact[]>([{ kind: 'authorized' }, { kind: 'captured' }]),
  fc
    .array(fc.integer({ min: 1, max: 400 }), { maxLength: 4 })
    .map((refunds): PaymentFact[] => [
      { kind: 'authorized' },
      { kind: 'captured' },
      ...refunds.map((amountCents) => ({ kind: 'refunded' as const, amountCents })),
    ]),
)

function expectedEnd(history: PaymentFact[]): { state: PledgeState; refundedCents: number } {
  let outcome = { state: 'PENDING' as PledgeState, refundedCents: 0 }
  for (const fact of history) outcome = applyFact({ ...outcome, amountCents: 1000 }, fact)
  return outcome
}

describe('applyFact under duplicated, reordered events (property)', () => {
  it('never moves backwards, never double counts and ends where the true history ends', () => {
    fc.assert(
      fc.property(
        histories.chain((history) =>
          fc.tuple(
            fc.constant(history),
            // Each event delivered 1–3 times, in any order (dedupe by event id is the inbox's job: here
            // duplicates are dropped the same way, by the index of the event in the history).
            fc.shuffledSubarray(
              history.flatMap((fact, index) => [0, 1, 2].map((copy) => ({ fact, index, copy }))),
              { minLength: history.length * 3, maxLength: history.length * 3 },
            ),
          ),
        ),
        ([history, deliveries]) => {
          const applied = new Set<number>()
          let current = { state: 'PENDING' as PledgeState, amountCents: 1000, refundedCents: 0 }
          for (const { fact, index } of deliveries) {
            if (applied.has(index)) continue
            applied.add(index)
            const outcome = applyFact(current, fact)
            for (const t of outcome.transitions) expect(isForward(t.from, t.to)).toBe(true)
            expect(outcome.refundedCents).toBeGreaterThanOrEqual(current.refundedCents)
            expect(outcome.refundedCents).toBeLessThanOrEqual(1000)
            current = { ...current, state: outcome.state, refundedCents: outcome.refundedCents }
          }
          const expected = expectedEnd(history)
          expect(current.state).toBe(expected.state)
          expect(current.refundedCents).toBe(expected.refundedCents)
        },
      ),
      { numRuns: 500 },
    )
  })
})
