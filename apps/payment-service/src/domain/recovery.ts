import type { PaymentStatus } from './payment-machine'

/**
 * Recovery points (brandur's atomic phases). A payment is always at one: a provider call is due
 * (`authorize`, `capture`, `void`: the resumer drives these), the call was answered and we wait
 * for its webhook (`awaiting_*`), an admin must act (`awaiting_capture`, manual mode), nothing is
 * left to do (`finished`), or the provider refused a call outright (`needs_attention`).
 */
export const CALL_POINTS = ['authorize', 'capture', 'void'] as const
export type CallPoint = (typeof CALL_POINTS)[number]
export const RECOVERY_POINTS = [
  ...CALL_POINTS,
  'awaiting_authorization',
  'awaiting_capture',
  'awaiting_capture_result',
  'finished',
  'needs_attention',
] as const
export type RecoveryPoint = (typeof RECOVERY_POINTS)[number]

export type CaptureMode = 'auto' | 'manual'

/**
 * The recovery point after the payment's status changed to `status`. Once AUTHORIZED, a payment
 * that was still waiting for its authorization goes on to capture (auto) or waits for an admin
 * (manual); any point further along is kept. Final statuses need nothing more.
 */
export function recoveryAfter(
  status: PaymentStatus,
  current: RecoveryPoint,
  mode: CaptureMode,
): RecoveryPoint {
  if (status === 'CAPTURED' || status === 'REFUNDED' || status === 'FAILED') return 'finished'
  if (status === 'AUTHORIZED' && (current === 'authorize' || current === 'awaiting_authorization')) {
    return mode === 'auto' ? 'capture' : 'awaiting_capture'
  }
  return current
}

export function isCallPoint(point: string): point is CallPoint {
  return (CALL_POINTS as readonly string[]).includes(point)
}
