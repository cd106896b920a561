import { describe, expect, test } from 'bun:test'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { PledgeDetailPage } from '../../src/pages/pledge-detail'
import { listPayment, PAYMENT_ID, PLEDGE_ID, payment, pledge, refund, webhook } from '../fixtures/money'
import { type Call, mockApi, problem, renderPage } from '../support'

const CAPTURE = `POST /api/payments/${PAYMENT_ID}/capture`
const REFUND = `POST /api/payments/${PAYMENT_ID}/refund`
const posts = (calls: Call[], path: string) =>
  calls.filter((call) => call.method === 'POST' && call.path === path.split(' ')[1])

/** A captured payment of $25.50 with $5 refunded: $20.50 remains. */
function captured(extra: Record<string, unknown> = {}) {
  return {
    [`GET /api/pledges/${PLEDGE_ID}`]: { body: pledge({ refundedAmount: 5 }) },
    [`GET /api/payments/${PAYMENT_ID}`]: { body: payment({ refundedAmount: 5, refunds: [refund()] }) },
    [`GET /api/payments/${PAYMENT_ID}/webhooks`]: { body: { items: [webhook()] } },
    ...extra,
  } as Parameters<typeof mockApi>[0]
}

function open() {
  return renderPage(<PledgeDetailPage />, { path: `/pledges/${PLEDGE_ID}`, route: '/pledges/:id' })
}

async function openRefund() {
  await userEvent.click(await screen.findByRole('button', { name: 'Refund' }))
  return screen.getByRole('dialog', { name: 'Refund this payment?' })
}

describe('pledge detail', () => {
  test('says it is loading while the pledge has not come', () => {
    mockApi({ [`GET /api/pledges/${PLEDGE_ID}`]: 'pending' })
    open()
    expect(screen.getByRole('status').textContent).toContain('Loading')
  })

  test('shows the API problem when the pledge cannot be read', async () => {
    mockApi({ [`GET /api/pledges/${PLEDGE_ID}`]: problem(404, 'Not Found', 'No pledge with this id') })
    open()
    expect((await screen.findByRole('alert')).textContent).toContain('No pledge with this id')
  })

  test('a pledge without a payment yet asks the payment service by pledge, and says there is none', async () => {
    const calls = mockApi({
      [`GET /api/pledges/${PLEDGE_ID}`]: {
        body: pledge({ state: 'PENDING', paymentId: null, history: pledge().history.slice(0, 1) }),
      },
      'GET /api/payments': { body: { items: [], nextCursor: null } },
    })
    open()
    expect(await screen.findByText(/No payment yet/)).toBeDefined()
    expect(calls.find((call) => call.path === '/api/payments')?.query.get('pledgeId')).toBe(PLEDGE_ID)
    expect(screen.getByRole('list', { name: 'Timeline' }).textContent).toContain('Pledge created (PENDING)')
    expect(screen.queryByRole('button', { name: 'Refund' })).toBeNull()
    expect(screen.queryByRole('button', { name: 'Capture' })).toBeNull()
  })

  test('finds the payment by pledge when the pledge has no paymentId yet', async () => {
    const calls = mockApi({
      [`GET /api/pledges/${PLEDGE_ID}`]: { body: pledge({ state: 'PENDING', paymentId: null }) },
      'GET /api/payments': { body: { items: [listPayment({ status: 'PENDING' })], nextCursor: null } },
      [`GET /api/payments/${PAYMENT_ID}`]: {
        body: payment({ status: 'PENDING', recoveryPoint: 'authorize' }),
      },
      [`GET /api/payments/${PAYMENT_ID}/webhooks`]: { body: { items: [] } },
    })
    open()
    expect(await screen.findByText('txn_01a2')).toBeDefined()
    expect(calls.some((call) => call.path === `/api/payments/${PAYMENT_ID}`)).toBe(true)
  })

  test('merges pledge states, payment history, webhooks and refunds into one timeline ordered by time', async () => {
    mockApi(
      captured({
        [`GET /api/payments/${PAYMENT_ID}/webhooks`]: {
          body: { items: [webhook({ deliveries: 3, lastReceivedAt: '2026-12-04T21:11:41.000Z' })] },
        },
      }),
    )
    open()
    const timeline = await screen.findByRole('list', { name: 'Timeline' })
    await waitFor(() => expect(within(timeline).getAllByRole('listitem')).toHaveLength(9))
    const titles = within(timeline)
      .getAllByRole('listitem')
      .map((item) => item.querySelector('strong')?.textContent)
    expect(titles).toEqual([
      'Pledge created (PENDING)', // 39.470
      'Payment created (PENDING)', // 39.497
      'Payment PENDING → AUTHORIZED', // 39.539
      'Pledge PENDING → AUTHORIZED', // 39.557
      'Webhook payment.captured', // 39.563
      'Payment AUTHORIZED → CAPTURED', // 39.572
      'Pledge AUTHORIZED → CAPTURED', // 39.588
      'Refund of $5.00 requested', // 55.599
      'Refund of $5.00 succeeded', // 55.631
    ])
    expect(timeline.textContent).toContain('3 copies received · applied')
    expect(screen.getByRole('table', { name: 'Refunds' }).textContent).toContain('SUCCEEDED')
  })

  test('Capture is offered for an AUTHORIZED payment and sends an Idempotency-Key', async () => {
    const calls = mockApi({
      [`GET /api/pledges/${PLEDGE_ID}`]: { body: pledge({ state: 'AUTHORIZED' }) },
      [`GET /api/payments/${PAYMENT_ID}`]: {
        body: payment({ status: 'AUTHORIZED', capturedAmount: 0, recoveryPoint: 'awaiting_capture' }),
      },
      [`GET /api/payments/${PAYMENT_ID}/webhooks`]: { body: { items: [] } },
      [CAPTURE]: { status: 202, body: listPayment({ status: 'AUTHORIZED', recoveryPoint: 'capture' }) },
    })
    open()
    expect(screen.queryByRole('button', { name: 'Refund' })).toBeNull()
    await userEvent.click(await screen.findByRole('button', { name: 'Capture' }))
    const dialog = screen.getByRole('dialog', { name: 'Capture this payment?' })
    await userEvent.click(within(dialog).getByRole('button', { name: 'Capture' }))
    expect((await screen.findByRole('status')).textContent).toContain('Capture requested')
    const sent = posts(calls, CAPTURE)
    expect(sent).toHaveLength(1)
    expect(sent[0]!.headers.get('idempotency-key')).toMatch(/^[0-9a-f-]{36}$/)
    expect(screen.queryByRole('dialog')).toBeNull()
  })

  test('shows the API refusal of a capture (409) in the dialog', async () => {
    mockApi({
      [`GET /api/pledges/${PLEDGE_ID}`]: { body: pledge({ state: 'AUTHORIZED' }) },
      [`GET /api/payments/${PAYMENT_ID}`]: {
        body: payment({ status: 'AUTHORIZED', recoveryPoint: 'capture' }),
      },
      [`GET /api/payments/${PAYMENT_ID}/webhooks`]: { body: { items: [] } },
      [CAPTURE]: problem(409, 'Conflict', 'A capture of this payment is already under way'),
    })
    open()
    await userEvent.click(await screen.findByRole('button', { name: 'Capture' }))
    const dialog = screen.getByRole('dialog')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Capture' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('already under way')
  })

  test('a double click on Refund sends one request', async () => {
    const calls = mockApi(captured({ [REFUND]: 'pending' }))
    open()
    const dialog = await openRefund()
    await userEvent.dblClick(within(dialog).getByRole('button', { name: 'Refund' }))
    await waitFor(() => expect(within(dialog).getByRole('button', { name: 'Working…' })).toBeDefined())
    await userEvent.click(within(dialog).getByRole('button', { name: 'Working…' }))
    expect(posts(calls, REFUND)).toHaveLength(1)
    expect(posts(calls, REFUND)[0]!.body).toEqual({})
  })

  test('a retry after a network error sends the same Idempotency-Key, so the API refunds once', async () => {
    let attempts = 0
    const calls = mockApi(
      captured({
        [REFUND]: () =>
          ++attempts === 1
            ? 'network-error'
            : { status: 202, body: refund({ status: 'PENDING', completedAt: null }) },
      }),
    )
    open()
    const dialog = await openRefund()
    await userEvent.click(within(dialog).getByRole('button', { name: 'Refund' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('could not be reached')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Refund' }))
    expect((await screen.findByRole('status')).textContent).toContain('Refund of $5.00 requested (PENDING)')
    const sent = posts(calls, REFUND)
    expect(sent).toHaveLength(2)
    expect(sent[0]!.headers.get('idempotency-key')).toBeTruthy()
    expect(sent[1]!.headers.get('idempotency-key')).toBe(sent[0]!.headers.get('idempotency-key')!)
    // After the refund the pledge and payment are read again.
    await waitFor(() =>
      expect(calls.filter((call) => call.path === `/api/payments/${PAYMENT_ID}`).length).toBeGreaterThan(1),
    )
  })

  test('a partial refund over what remains is refused in the form, before any request', async () => {
    const calls = mockApi(captured())
    open()
    const dialog = await openRefund()
    expect(dialog.textContent).toContain('$20.50 may still be refunded')
    await userEvent.click(within(dialog).getByLabelText('Part of it'))
    await userEvent.type(within(dialog).getByLabelText('Amount (USD)'), '20.51')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Refund' }))
    expect(within(dialog).getByRole('alert').textContent).toBe('At most $20.50 remains to refund')
    await userEvent.clear(within(dialog).getByLabelText('Amount (USD)'))
    await userEvent.type(within(dialog).getByLabelText('Amount (USD)'), '1.234')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Refund' }))
    expect(within(dialog).getByRole('alert').textContent).toBe('At most 2 decimals (cents)')
    await userEvent.clear(within(dialog).getByLabelText('Amount (USD)'))
    await userEvent.type(within(dialog).getByLabelText('Amount (USD)'), '-3')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Refund' }))
    expect(within(dialog).getByRole('alert').textContent).toBe('The amount must be more than 0')
    expect(posts(calls, REFUND)).toHaveLength(0)
  })

  test('a partial refund sends its amount; a pending refund counts against what remains', async () => {
    const calls = mockApi(
      captured({
        [`GET /api/payments/${PAYMENT_ID}`]: {
          body: payment({
            refundedAmount: 5,
            refunds: [refund(), refund({ id: 'r2', amount: 10, status: 'PENDING', completedAt: null })],
          }),
        },
        [REFUND]: { status: 202, body: refund({ amount: 10.5, status: 'PENDING', completedAt: null }) },
      }),
    )
    open()
    const dialog = await openRefund()
    expect(dialog.textContent).toContain('$10.50 may still be refunded')
    await userEvent.click(within(dialog).getByLabelText('Part of it'))
    await userEvent.type(within(dialog).getByLabelText('Amount (USD)'), '10.5')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Refund' }))
    await screen.findByRole('status')
    expect(posts(calls, REFUND)[0]!.body).toEqual({ amount: 10.5 })
  })

  test("shows the API's 422 in the dialog; another amount after it is a new action with a new key", async () => {
    let attempts = 0
    const calls = mockApi(
      captured({
        [REFUND]: () =>
          ++attempts === 1
            ? {
                status: 422,
                body: {
                  type: 'about:blank',
                  title: 'Unprocessable Content',
                  status: 422,
                  detail: 'The amount is more than may still be refunded',
                  refundableAmount: 8,
                },
              }
            : { status: 202, body: refund({ amount: 8, status: 'PENDING', completedAt: null }) },
      }),
    )
    open()
    const dialog = await openRefund()
    await userEvent.click(within(dialog).getByLabelText('Part of it'))
    await userEvent.type(within(dialog).getByLabelText('Amount (USD)'), '20')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Refund' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain(
      'more than may still be refunded',
    )
    expect(dialog.textContent).toContain('The API says $8.00 may still be refunded.')
    await userEvent.clear(within(dialog).getByLabelText('Amount (USD)'))
    await userEvent.type(within(dialog).getByLabelText('Amount (USD)'), '8')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Refund' }))
    await screen.findByRole('status')
    const [first, second] = posts(calls, REFUND)
    expect(second!.body).toEqual({ amount: 8 })
    expect(second!.headers.get('idempotency-key')).not.toBe(first!.headers.get('idempotency-key')!)
  })

  test('a fully refunded payment offers no refund', async () => {
    mockApi({
      [`GET /api/pledges/${PLEDGE_ID}`]: { body: pledge({ state: 'REFUNDED', refundedAmount: 25.5 }) },
      [`GET /api/payments/${PAYMENT_ID}`]: {
        body: payment({ status: 'REFUNDED', refundedAmount: 25.5, refunds: [refund({ amount: 25.5 })] }),
      },
      [`GET /api/payments/${PAYMENT_ID}/webhooks`]: { body: { items: [] } },
    })
    open()
    await screen.findByText('txn_01a2')
    expect(screen.queryByRole('button', { name: 'Refund' })).toBeNull()
  })
})
