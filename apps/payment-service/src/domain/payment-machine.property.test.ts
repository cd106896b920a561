import { describe, expect, it } from 'bun:test'
import fc from 'fast-check'
import {
  applyFact,
  initialState,
  isLegalEdge,
  type PaymentFact,
  type PaymentState,
  type PaymentStatus,
  reachableFrom,
} from './payment-machine'

/**
 * A consistent story the provider could tell about one payment: what really happened, as facts.
 * The webhooks that report it may then arrive duplicated and in any order.
 */
const story = fc.integer({ min: 1, max: 100_000 }).chain((amount) =>
  fc.oneof(
    fc.constant({
      amount,
      facts: [{ type: 'failed', reason: 'card_declined' }] as PaymentFact[],
      final: 'FAILED',
    }),
    fc.constant({
      amount,
      facts: [{ type: 'authorized' }, { type: 'failed', reason: 'capture_failed' }] as PaymentFact[],
      final: 'FAILED',
    }),
    fc.array(fc.integer({ min: 1, max: amount }), { maxLength: 4 }).map((parts) => {
      // Refunds as the service would allow them: each within what remains.
      const refunds: PaymentFact[] = []
      let left = amount
      for (const [index, part] of parts.entries()) {
        const cents = Math.min(part, left)
        if (cents === 0) break
        refunds.push({ type: 'refunded', refundId: `r${index}`, amountCents: cents })
        left -= cents
      }
      return {
        amount,
        facts: [
          { type: 'authorized' },
          { type: 'captured', amountCents: amount },
          ...refunds,
        ] as PaymentFact[],
        final: left === 0 ? 'REFUNDED' : 'CAPTURED',
      }
    }),
  ),
)

/** The story's facts, each delivered 1–3 times, shuffled. */
const deliveries = story.chain((s) =>
  fc
    .tuple(...s.facts.map((fact) => fc.integer({ min: 1, max: 3 }).map((n) => Array(n).fill(fact))))
    .chain((copies) => fc.shuffledSubarray(copies.flat(), { minLength: copies.flat().length }))
    .map((sequence) => ({ ...s, sequence: sequence as PaymentFact[] })),
)

function run(amount: number, sequence: PaymentFact[]) {
  let state: PaymentState = initialState(amount)
  const events: string[] = []
  const statuses: PaymentStatus[] = [state.status]
  for (const fact of sequence) {
    const before = state.status
    const outcome = applyFact(state, fact)
    for (const t of outcome.transitions) {
      expect(isLegalEdge(t.from, t.to)).toBe(true)
      events.push(t.refundId ? `${t.event}:${t.refundId}` : t.event)
    }
    state = outcome.state
    expect(reachableFrom(before)).toContain(state.status)
    statuses.push(state.status)
    expect(state.capturedCents).toBeLessThanOrEqual(amount)
    expect(state.refundedCents).toBeGreaterThanOrEqual(0)
    expect(state.refundedCents).toBeLessThanOrEqual(state.capturedCents)
  }
  return { state, events, statuses }
}

describe('the payment state machine under duplicated, reordered webhooks', () => {
  it('never moves backwards, never double counts, and ends where the story ends', () => {
    fc.assert(
      fc.property(deliveries, ({ amount, facts, sequence, final }) => {
        const { state, events } = run(amount, sequence)
        // Each transition's event exactly once, each refund exactly once.
        expect(new Set(events).size).toBe(events.length)
        const refunds = facts.filter((f) => f.type === 'refunded')
        const refunded = refunds.reduce((sum, f) => sum + (f.type === 'refunded' ? f.amountCents : 0), 0)
        expect(state.status).toBe(final as PaymentStatus)
        expect(state.refundedCents).toBe(refunded)
        expect(events.filter((e) => e.startsWith('payment.refunded')).length).toBe(refunds.length)
        if (final !== 'FAILED') expect(state.capturedCents).toBe(amount)
        const expected = final === 'FAILED' ? (facts.length === 1 ? 1 : 2) : 2 + refunds.length
        expect(events.length).toBe(expected)
      }),
      { numRuns: 500 },
    )
  })

  it('never moves backwards under arbitrary, even contradictory, facts', () => {
    const anyFact: fc.Arbitrary<PaymentFact> = fc.oneof(
      fc.constant({ type: 'authorized' } as const),
      fc.integer({ min: 0, max: 2000 }).map((amountCents) => ({ type: 'captured', amountCents }) as const),
      fc
        .constantFrom('card_declined', 'capture_failed', 'authorization_expired')
        .map((reason) => ({ type: 'failed', reason }) as const),
      fc
        .tuple(fc.constantFrom('a', 'b', 'c'), fc.integer({ min: 0, max: 2000 }))
        .map(([refundId, amountCents]) => ({ type: 'refunded', refundId, amountCents }) as const),
    )
    fc.assert(
      fc.property(fc.array(anyFact, { maxLength: 20 }), (sequence) => {
        const { events } = run(1000, sequence)
        for (const once of ['payment.authorized', 'payment.captured', 'payment.failed']) {
          expect(events.filter((e) => e === once).length).toBeLessThanOrEqual(1)
        }
        expect(new Set(events).size).toBe(events.length)
      }),
      { numRuns: 500 },
    )
  })
})
