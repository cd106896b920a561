/**
 * The payment state machine, pure: PENDING → AUTHORIZED → CAPTURED → REFUNDED, PENDING → FAILED,
 * AUTHORIZED → FAILED. What moves it are facts the provider reports (webhooks) or that we
 * establish ourselves (the expiry sweeper's void). Facts arrive late, twice, under a second id or
 * out of order, so every fact is a guard that quietly does nothing when it does not apply (eShop's
 * `SetPaidStatus`), and a fact that implies earlier ones records them too: a capture implies an
 * authorization, a refund implies a capture. The state therefore never moves backwards and no
 * amount is ever counted twice, whatever the order (the property test drives random sequences).
 */

export const PAYMENT_STATUSES = ['PENDING', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED'] as const
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number]
export type FailureReason = 'card_declined' | 'capture_failed' | 'authorization_expired'
export type PaymentEventType =
  | 'payment.authorized'
  | 'payment.captured'
  | 'payment.failed'
  | 'payment.refunded'

/** What the machine needs to know about a payment; money in integer cents. */
export interface PaymentState {
  status: PaymentStatus
  amountCents: number
  capturedCents: number
  refundedCents: number
  failureReason: FailureReason | null
  /** Refunds already counted: a refund is counted once, whichever webhook reports it. */
  refundsApplied: readonly string[]
}

export type PaymentFact =
  | { type: 'authorized' }
  | { type: 'captured'; amountCents: number }
  | { type: 'failed'; reason: FailureReason }
  | { type: 'refunded'; refundId: string; amountCents: number }

/** One change of the payment: one history row, one event. */
export interface Transition {
  from: PaymentStatus
  to: PaymentStatus
  event: PaymentEventType
  amountCents: number
  refundId?: string
  reason?: FailureReason
}

export interface Outcome {
  state: PaymentState
  transitions: Transition[]
}

/** Every legal edge. Partial refunds keep CAPTURED (CAPTURED → CAPTURED with payment.refunded). */
const EDGES = new Set([
  'PENDING>AUTHORIZED',
  'PENDING>FAILED',
  'AUTHORIZED>CAPTURED',
  'AUTHORIZED>FAILED',
  'CAPTURED>CAPTURED',
  'CAPTURED>REFUNDED',
])

export function isLegalEdge(from: PaymentStatus, to: PaymentStatus): boolean {
  return EDGES.has(`${from}>${to}`)
}

/** Statuses reachable from `from` by legal edges (itself included): "never backwards" means staying in here. */
export function reachableFrom(from: PaymentStatus): PaymentStatus[] {
  const seen = new Set<PaymentStatus>([from])
  const queue = [from]
  while (queue.length > 0) {
    const at = queue.shift()!
    for (const to of PAYMENT_STATUSES) {
      if (!seen.has(to) && isLegalEdge(at, to)) {
        seen.add(to)
        queue.push(to)
      }
    }
  }
  return [...seen]
}

export function initialState(amountCents: number): PaymentState {
  return {
    status: 'PENDING',
    amountCents,
    capturedCents: 0,
    refundedCents: 0,
    failureReason: null,
    refundsApplied: [],
  }
}

/** Applies one fact; `transitions` is empty when it changes nothing (duplicate, late, impossible). */
export function applyFact(state: PaymentState, fact: PaymentFact): Outcome {
  const transitions: Transition[] = []
  let next = state
  const move = (to: PaymentStatus, event: PaymentEventType, amountCents: number, extra = {}) => {
    transitions.push({ from: next.status, to, event, amountCents, ...extra })
    next = { ...next, status: to }
  }
  const authorize = () => {
    if (next.status === 'PENDING') move('AUTHORIZED', 'payment.authorized', next.amountCents)
  }
  const capture = (amountCents: number) => {
    authorize()
    if (next.status !== 'AUTHORIZED') return
    const captured = Math.min(amountCents, next.amountCents)
    move('CAPTURED', 'payment.captured', captured)
    next = { ...next, capturedCents: captured }
  }
  const fail = (reason: FailureReason) => {
    move('FAILED', 'payment.failed', next.amountCents, { reason })
    next = { ...next, failureReason: reason }
  }

  switch (fact.type) {
    case 'authorized':
      authorize()
      break
    case 'captured':
      if (fact.amountCents > 0) capture(fact.amountCents)
      break
    case 'failed':
      if (fact.reason === 'card_declined') {
        // A decline is the answer to the authorization: it can only end a PENDING payment.
        if (next.status === 'PENDING') fail('card_declined')
      } else {
        // A failed capture or an expired hold both mean the authorization had happened.
        if (fact.reason === 'capture_failed') authorize()
        if (next.status === 'AUTHORIZED') fail(fact.reason)
      }
      break
    case 'refunded': {
      if (next.refundsApplied.includes(fact.refundId) || next.status === 'FAILED') break
      if (fact.amountCents <= 0) break
      // We only ask for refunds of captured payments, and always capture in full.
      if (next.status === 'PENDING' || next.status === 'AUTHORIZED') capture(next.amountCents)
      if (next.status !== 'CAPTURED') break
      const refunded = next.refundedCents + fact.amountCents
      if (refunded > next.capturedCents) break // more than was captured: never counted
      const to = refunded === next.capturedCents ? 'REFUNDED' : 'CAPTURED'
      move(to, 'payment.refunded', fact.amountCents, { refundId: fact.refundId })
      next = { ...next, refundedCents: refunded, refundsApplied: [...next.refundsApplied, fact.refundId] }
      break
    }
  }
  return { state: next, transitions }
}
