import { describe, expect, it } from 'bun:test'
import {
  applyFact,
  initialState,
  isLegalEdge,
  PAYMENT_STATUSES,
  type PaymentFact,
  type PaymentState,
  type PaymentStatus,
  reachableFrom,
} from './payment-machine'

const AMOUNT = 5000
const at = (status: PaymentStatus, extra: Partial<PaymentState> = {}): PaymentState => ({
  ...initialState(AMOUNT),
  status,
  capturedCents: status === 'CAPTURED' || status === 'REFUNDED' ? AMOUNT : 0,
  refundedCents: status === 'REFUNDED' ? AMOUNT : 0,
  ...extra,
})

const authorized: PaymentFact = { type: 'authorized' }
const captured: PaymentFact = { type: 'captured', amountCents: AMOUNT }
const declined: PaymentFact = { type: 'failed', reason: 'card_declined' }
const captureFailed: PaymentFact = { type: 'failed', reason: 'capture_failed' }
const expired: PaymentFact = { type: 'failed', reason: 'authorization_expired' }
const refund = (refundId: string, amountCents: number): PaymentFact => ({
  type: 'refunded',
  refundId,
  amountCents,
})

type Row = [string, PaymentStatus, PaymentFact, PaymentStatus, string[]]

// status before, fact, status after, events emitted (in order)
const table: Row[] = [
  ['authorized on PENDING', 'PENDING', authorized, 'AUTHORIZED', ['payment.authorized']],
  ['captured on AUTHORIZED', 'AUTHORIZED', captured, 'CAPTURED', ['payment.captured']],
  [
    'captured before authorized (implies it)',
    'PENDING',
    captured,
    'CAPTURED',
    ['payment.authorized', 'payment.captured'],
  ],
  ['a late authorized after captured', 'CAPTURED', authorized, 'CAPTURED', []],
  ['a duplicate authorized', 'AUTHORIZED', authorized, 'AUTHORIZED', []],
  ['a duplicate captured', 'CAPTURED', captured, 'CAPTURED', []],
  ['a decline on PENDING', 'PENDING', declined, 'FAILED', ['payment.failed']],
  ['a late decline after authorized', 'AUTHORIZED', declined, 'AUTHORIZED', []],
  ['a failed capture on AUTHORIZED', 'AUTHORIZED', captureFailed, 'FAILED', ['payment.failed']],
  [
    'a failed capture before authorized (implies it)',
    'PENDING',
    captureFailed,
    'FAILED',
    ['payment.authorized', 'payment.failed'],
  ],
  ['a failed capture after captured', 'CAPTURED', captureFailed, 'CAPTURED', []],
  ['an expired hold on AUTHORIZED', 'AUTHORIZED', expired, 'FAILED', ['payment.failed']],
  ['an expired hold on PENDING', 'PENDING', expired, 'PENDING', []],
  ['captured after FAILED', 'FAILED', captured, 'FAILED', []],
  ['authorized after FAILED', 'FAILED', authorized, 'FAILED', []],
  ['a partial refund', 'CAPTURED', refund('r1', 2000), 'CAPTURED', ['payment.refunded']],
  ['a full refund', 'CAPTURED', refund('r1', AMOUNT), 'REFUNDED', ['payment.refunded']],
  [
    'a refund before captured (implies it)',
    'AUTHORIZED',
    refund('r1', AMOUNT),
    'REFUNDED',
    ['payment.captured', 'payment.refunded'],
  ],
  ['a refund of more than was captured', 'CAPTURED', refund('r1', AMOUNT + 1), 'CAPTURED', []],
  ['a refund of a FAILED payment', 'FAILED', refund('r1', 100), 'FAILED', []],
  ['captured after REFUNDED', 'REFUNDED', captured, 'REFUNDED', []],
]

describe('the payment state machine', () => {
  it.each(table)('applies %s', (_, from, fact, to, events) => {
    const { state, transitions } = applyFact(at(from), fact)
    expect(state.status).toBe(to)
    expect(transitions.map((t): string => t.event)).toEqual(events)
    for (const t of transitions) expect(isLegalEdge(t.from, t.to)).toBe(true)
  })

  it('counts a refund once, however often it is reported', () => {
    const once = applyFact(at('CAPTURED'), refund('r1', 2000)).state
    const twice = applyFact(once, refund('r1', 2000))
    expect(twice.transitions).toEqual([])
    expect(twice.state.refundedCents).toBe(2000)
  })

  it('becomes REFUNDED when partial refunds reach the captured amount', () => {
    let state = at('CAPTURED')
    for (const [id, cents] of [
      ['r1', 1000],
      ['r2', 1500],
      ['r3', 2500],
    ] as const) {
      state = applyFact(state, refund(id, cents)).state
    }
    expect(state).toMatchObject({ status: 'REFUNDED', refundedCents: AMOUNT, capturedCents: AMOUNT })
  })

  it('carries the amount of each operation and the reason of a failure', () => {
    const { transitions } = applyFact(at('AUTHORIZED'), captureFailed)
    expect(transitions).toEqual([
      {
        from: 'AUTHORIZED',
        to: 'FAILED',
        event: 'payment.failed',
        amountCents: AMOUNT,
        reason: 'capture_failed',
      },
    ])
    const partial = applyFact(at('CAPTURED'), refund('r9', 1234)).transitions[0]
    expect(partial).toMatchObject({ amountCents: 1234, refundId: 'r9' })
  })

  it('knows which statuses lie ahead of each status', () => {
    expect(reachableFrom('PENDING').sort()).toEqual([...PAYMENT_STATUSES].sort())
    expect(reachableFrom('CAPTURED').sort()).toEqual(['CAPTURED', 'REFUNDED'])
    expect(reachableFrom('FAILED')).toEqual(['FAILED'])
    expect(reachableFrom('REFUNDED')).toEqual(['REFUNDED'])
  })
})
