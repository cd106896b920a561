import { describe, expect, test } from 'bun:test'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { PaymentsPage } from '../../src/pages/payments'
import { listPayment, PLEDGE_ID } from '../fixtures/money'
import { type Call, mockApi, problem, renderPage } from '../support'

const page = (items = [listPayment()], nextCursor: string | null = null) => ({ body: { items, nextCursor } })
const last = (calls: Call[]) => calls.filter((call) => call.path === '/api/payments').at(-1)!.query

function open(path = '/payments') {
  return renderPage(<PaymentsPage />, { path, route: '/payments' })
}

describe('payments', () => {
  test('says it is loading while the API has not answered', () => {
    mockApi({ 'GET /api/payments': 'pending' })
    open()
    expect(screen.getByRole('status').textContent).toContain('Loading')
  })

  test('says so when no payment matches, in words for the attention list', async () => {
    mockApi({ 'GET /api/payments': page([]) })
    open('/payments?recoveryPoint=needs_attention')
    expect(await screen.findByText('No payment needs attention.')).toBeDefined()
  })

  test('shows the API problem', async () => {
    mockApi({ 'GET /api/payments': problem(403, 'Forbidden') })
    open()
    expect((await screen.findByRole('alert')).textContent).toContain('needs the admin role')
  })

  test('lists payments, each row linking to its pledge page', async () => {
    mockApi({
      'GET /api/payments': page([
        listPayment(),
        listPayment({
          id: 'p2',
          pledgeId: '01a242e6-22ee-70e1-80d4-632e8850ddb9',
          status: 'AUTHORIZED',
          recoveryPoint: 'needs_attention',
          lastError: 'provider refused: card_declined',
        }),
      ]),
    })
    open()
    const table = await screen.findByRole('table', { name: 'Payments' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows[0]!.textContent).toContain('CAPTURED')
    expect(rows[1]!.textContent).toContain('needs_attention')
    expect(rows[1]!.textContent).toContain('provider refused: card_declined')
    const link = within(rows[0]!).getByRole('link', { name: `Pledge ${PLEDGE_ID.slice(-8)}` })
    expect(link.getAttribute('href')).toBe(`/pledges/${PLEDGE_ID}`)
  })

  test('filters change the request: status, recovery point and pledge id', async () => {
    const calls = mockApi({ 'GET /api/payments': page() })
    open()
    await screen.findByRole('table', { name: 'Payments' })
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'AUTHORIZED')
    await waitFor(() => expect(last(calls).get('status')).toBe('AUTHORIZED'))
    await userEvent.selectOptions(screen.getByLabelText('Recovery point'), 'needs_attention')
    await waitFor(() => expect(last(calls).get('recoveryPoint')).toBe('needs_attention'))
    await userEvent.type(screen.getByLabelText('Pledge id'), 'nope{Enter}')
    expect(screen.getByText('A pledge id is a UUID')).toBeDefined()
    await userEvent.clear(screen.getByLabelText('Pledge id'))
    await userEvent.type(screen.getByLabelText('Pledge id'), `${PLEDGE_ID}{Enter}`)
    await waitFor(() => expect(last(calls).get('pledgeId')).toBe(PLEDGE_ID))
    expect(last(calls).get('status')).toBe('AUTHORIZED')
    expect(last(calls).get('limit')).toBe('20')
  })

  test('the pager passes the cursor', async () => {
    const calls = mockApi({
      'GET /api/payments': (call) =>
        call.query.get('cursor')
          ? page([listPayment({ id: 'p2', pledgeId: 'c'.repeat(8) })])
          : page(undefined, 'cur-2'),
    })
    open('/payments?status=CAPTURED')
    await screen.findByRole('table', { name: 'Payments' })
    await userEvent.click(screen.getByRole('button', { name: 'Next' }))
    expect(await screen.findByRole('link', { name: 'Pledge cccccccc' })).toBeDefined()
    expect(last(calls).get('cursor')).toBe('cur-2')
    expect(last(calls).get('status')).toBe('CAPTURED')
  })
})
