import { describe, expect, mock, test } from 'bun:test'
import { fireEvent, render, screen } from '@testing-library/react'
import { ConfirmDialog } from '../../src/components/ui'

function dialog(onCancel: () => void) {
  return (
    <ConfirmDialog title="Refund?" confirmLabel="Refund" onConfirm={() => {}} onCancel={onCancel}>
      <input aria-label="Amount" />
    </ConfirmDialog>
  )
}

describe('ConfirmDialog', () => {
  test('starts on Cancel, and keeps the focus where the user put it when its parent re-renders', () => {
    const { rerender } = render(dialog(() => {}))
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Cancel' }))
    screen.getByLabelText('Amount').focus()
    // A parent that passes a new callback on every render (typing in a field re-renders it).
    rerender(dialog(() => {}))
    expect(document.activeElement).toBe(screen.getByLabelText('Amount'))
  })

  test('Escape cancels with the latest callback', () => {
    const first = mock(() => {})
    const latest = mock(() => {})
    const { rerender } = render(dialog(first))
    rerender(dialog(latest))
    fireEvent.keyDown(document, { key: 'Escape' })
    expect(first).not.toHaveBeenCalled()
    expect(latest).toHaveBeenCalledTimes(1)
  })
})
