import type { PledgeState } from '@careforall/contracts'

/** What a payment event says happened, reduced to what the pledge needs. */
export type PaymentFact =
  | { kind: 'authorized' }
  | { kind: 'captured' }
  | { kind: 'failed' }
  | { kind: 'refunded'; amountCents: number }

export interface PledgeSnapshot {
  state: PledgeState
  amountCents: number
  refundedCents: number
}

export interface Transition {
  from: PledgeState
  to: PledgeState
}

export interface Outcome {
  state: PledgeState
  refundedCents: number
  /** Every step taken, in order (a capture seen while PENDING records PENDING → AUTHORIZED too). */
  transitions: Transition[]
}

/** How far along the happy path a state is; FAILED stands aside, reachable only before capture. */
const RANK: Record<PledgeState, number> = { PENDING: 0, AUTHORIZED: 1, CAPTURED: 2, REFUNDED: 3, FAILED: -1 }

function step(transitions: Transition[], from: PledgeState, to: PledgeState): PledgeState {
  transitions.push({ from, to })
  return to
}

/**
 * The pledge state machine: PENDING → AUTHORIZED → CAPTURED → REFUNDED, PENDING|AUTHORIZED →
 * FAILED. Events arrive late, twice and out of order, so every rule is a guard that quietly does
 * nothing when it does not apply (eShop's SetPaidStatus): state only ever moves forward.
 *  - captured while PENDING implies authorized: both transitions are recorded;
 *  - authorized after captured, failed after captured, anything after FAILED: no-ops;
 *  - refunds add up (never past the amount); one seen before its capture is kept, and the pledge
 *    becomes REFUNDED as soon as it is CAPTURED and fully refunded.
 * Deduplicating events (and refunds) is the inbox's job, not this function's.
 */
export function applyFact(pledge: PledgeSnapshot, fact: PaymentFact): Outcome {
  const transitions: Transition[] = []
  let state = pledge.state
  let refundedCents = pledge.refundedCents
  switch (fact.kind) {
    case 'authorized':
      if (state === 'PENDING') state = step(transitions, state, 'AUTHORIZED')
      break
    case 'captured':
      if (state === 'PENDING') state = step(transitions, state, 'AUTHORIZED')
      if (state === 'AUTHORIZED') state = step(transitions, state, 'CAPTURED')
      break
    case 'failed':
      if (state === 'PENDING' || state === 'AUTHORIZED') state = step(transitions, state, 'FAILED')
      break
    case 'refunded':
      if (state !== 'FAILED') refundedCents = Math.min(pledge.amountCents, refundedCents + fact.amountCents)
      break
  }
  if (state === 'CAPTURED' && refundedCents >= pledge.amountCents)
    state = step(transitions, state, 'REFUNDED')
  return { state, refundedCents, transitions }
}

/** Whether `to` is at or past `from` on the happy path (FAILED is past nothing and before nothing). */
export function isForward(from: PledgeState, to: PledgeState): boolean {
  if (to === 'FAILED') return from === 'PENDING' || from === 'AUTHORIZED'
  return from !== 'FAILED' && RANK[to] > RANK[from]
}
