/**
 * What may still be refunded, pure: captured − refunded − what pending refunds already claim.
 * Pending refunds count, so two concurrent requests can never add up to more than was captured
 * (they are serialized by a row lock on the payment; this is the rule each one is checked by).
 */
export function refundableCents(capturedCents: number, refundedCents: number, pendingCents: number): number {
  return Math.max(0, capturedCents - refundedCents - pendingCents)
}

export type RefundCheck =
  | { ok: true; amountCents: number }
  | { ok: false; problem: 'nothing-left' | 'over-refund'; refundableCents: number }

/** No amount means all that remains; more than remains is refused (422), nothing left is a 409. */
export function checkRefund(requestedCents: number | undefined, remainingCents: number): RefundCheck {
  if (remainingCents <= 0) return { ok: false, problem: 'nothing-left', refundableCents: 0 }
  const amountCents = requestedCents ?? remainingCents
  if (amountCents > remainingCents) {
    return { ok: false, problem: 'over-refund', refundableCents: remainingCents }
  }
  return { ok: true, amountCents }
}
