import { RefundRequest, toCents } from '@careforall/contracts'
import { useRef, useState } from 'react'
import { ApiError } from '../api/client'
import { useCapture, useRefund } from '../api/payments'
import type { Payment, PaymentDetail, Refund } from '../api/types'
import { money } from './format'
import { ConfirmDialog, TextInput } from './ui'
import { useIdempotencyKey } from './use-idempotency-key'

/*
 * The two money actions of the pledge page. Each dialog makes its action's idempotency key when
 * it opens (useIdempotencyKey) and sends at most one request at a time: a second click while the
 * first is on its way does nothing, a retry after an error sends the same key.
 */

export function CaptureDialog({
  payment,
  onDone,
  onCancel,
}: {
  payment: Payment
  onDone: (payment: Payment) => void
  onCancel: () => void
}) {
  const keyFor = useIdempotencyKey()
  const capture = useCapture(payment.id)
  const sending = useRef(false)

  function confirm() {
    if (sending.current) return
    sending.current = true
    capture.mutate(keyFor(null), {
      onSuccess: onDone,
      onSettled: () => {
        sending.current = false
      },
    })
  }

  return (
    <ConfirmDialog
      title="Capture this payment?"
      confirmLabel="Capture"
      variant="primary"
      busy={capture.isPending}
      error={capture.error}
      onConfirm={confirm}
      onCancel={onCancel}
    >
      <p>
        The provider is asked to capture the authorized {money(payment.amount)}. The payment becomes CAPTURED
        when it confirms.
      </p>
    </ConfirmDialog>
  )
}

function amountMessage(issues: readonly { code: string; message: string }[]): string {
  const issue = issues[0]
  if (!issue || issue.code === 'invalid_type') return 'Give an amount in USD, like 12.50'
  if (issue.code === 'too_small') return 'The amount must be more than 0'
  return issue.message === 'at most 2 decimals' ? 'At most 2 decimals (cents)' : issue.message
}

/** The API's refusal, with what it says may still be refunded when it says so (a 422). */
function refundableHint(error: unknown): string | null {
  if (!(error instanceof ApiError)) return null
  const refundable = error.problem.refundableAmount
  return typeof refundable === 'number' ? `The API says ${money(refundable)} may still be refunded.` : null
}

export function RefundDialog({
  payment,
  remainingCents,
  onDone,
  onCancel,
}: {
  payment: PaymentDetail
  /** What may still be refunded (captured − refunded − pending), in cents. */
  remainingCents: number
  onDone: (refund: Refund) => void
  onCancel: () => void
}) {
  const [mode, setMode] = useState<'full' | 'partial'>('full')
  const [amount, setAmount] = useState('')
  const [fieldError, setFieldError] = useState<string>()
  const keyFor = useIdempotencyKey()
  const refund = useRefund(payment.id)
  const sending = useRef(false)
  const remaining = money(remainingCents / 100)

  function confirm() {
    if (sending.current) return
    const candidate: { amount?: number | undefined } =
      mode === 'full' ? {} : { amount: amount.trim() === '' ? undefined : Number(amount) }
    if (mode === 'partial' && candidate.amount === undefined) {
      setFieldError('Give an amount in USD, like 12.50')
      return
    }
    const parsed = RefundRequest.safeParse(candidate)
    if (!parsed.success) {
      setFieldError(amountMessage(parsed.error.issues))
      return
    }
    if (parsed.data.amount !== undefined && toCents(parsed.data.amount) > remainingCents) {
      setFieldError(`At most ${remaining} remains to refund`)
      return
    }
    setFieldError(undefined)
    sending.current = true
    refund.mutate(
      { body: parsed.data, idempotencyKey: keyFor(parsed.data) },
      {
        onSuccess: onDone,
        onSettled: () => {
          sending.current = false
        },
      },
    )
  }

  const apiFieldError = refund.error instanceof ApiError ? refund.error.fieldErrors.amount : undefined
  const hint = refundableHint(refund.error)
  return (
    <ConfirmDialog
      title="Refund this payment?"
      confirmLabel="Refund"
      busy={refund.isPending}
      error={refund.error}
      onConfirm={confirm}
      onCancel={onCancel}
    >
      <p>
        Captured {money(payment.capturedAmount)}, refunded {money(payment.refundedAmount)}: {remaining} may
        still be refunded.
      </p>
      <fieldset className="choice" disabled={refund.isPending}>
        <legend>How much</legend>
        <label>
          <input type="radio" name="refund-mode" checked={mode === 'full'} onChange={() => setMode('full')} />{' '}
          All that remains ({remaining})
        </label>
        <label>
          <input
            type="radio"
            name="refund-mode"
            checked={mode === 'partial'}
            onChange={() => setMode('partial')}
          />{' '}
          Part of it
        </label>
      </fieldset>
      {mode === 'partial' ? (
        <TextInput
          label="Amount (USD)"
          name="amount"
          inputMode="decimal"
          value={amount}
          onChange={(event) => setAmount(event.target.value)}
          error={fieldError ?? apiFieldError}
          hint={`At most ${remaining}`}
          disabled={refund.isPending}
        />
      ) : null}
      {hint ? <p>{hint}</p> : null}
    </ConfirmDialog>
  )
}
