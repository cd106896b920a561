import { describe, expect, test } from 'bun:test'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { AuditPage } from '../../src/pages/audit'
import { ADMIN_ID, auditEntry, PAYMENT_ID, PLEDGE_ID, user } from '../fixtures/money'
import { type Call, mockApi, problem, renderPage } from '../support'

const BOB = user()
const ROLE_CHANGE = auditEntry({
  id: 'a2',
  action: 'user.role_changed',
  targetId: BOB.id,
  details: { from: 'donor', to: 'admin' },
  at: '2026-12-04T20:00:00.000Z',
})
const page = (items = [auditEntry(), ROLE_CHANGE], nextCursor: string | null = null) => ({
  body: { items, nextCursor },
})
const last = (calls: Call[]) => calls.filter((call) => call.path === '/api/auth/audit').at(-1)!.query

function open(path = '/audit') {
  return renderPage(<AuditPage />, { path, route: '/audit' })
}

describe('audit log', () => {
  test('says it is loading while the API has not answered', () => {
    mockApi({ 'GET /api/auth/audit': 'pending' })
    open()
    expect(screen.getByRole('status').textContent).toContain('Loading')
  })

  test('says so when no entry matches', async () => {
    mockApi({ 'GET /api/auth/audit': page([]) })
    open()
    expect(await screen.findByText('No admin actions match these filters.')).toBeDefined()
  })

  test('shows the API problem', async () => {
    mockApi({ 'GET /api/auth/audit': problem(400, 'Validation Failed', 'The request is invalid') })
    open()
    expect((await screen.findByRole('alert')).textContent).toContain('The request is invalid')
  })

  test('each entry expands to its details; targets link to the pledge or the user', async () => {
    mockApi({ 'GET /api/auth/audit': page() })
    open()
    const table = await screen.findByRole('table', { name: 'Audit log' })
    expect(table.querySelector('pre')).toBeNull()
    const [refund, role] = within(table).getAllByRole('row').slice(1)
    expect(
      within(refund!)
        .getByRole('link', { name: `pledge ${PLEDGE_ID.slice(-8)}` })
        .getAttribute('href'),
    ).toBe(`/pledges/${PLEDGE_ID}`)
    expect(refund!.textContent).toContain(`payment ${PAYMENT_ID.slice(-8)}`)
    expect(
      within(role!)
        .getByRole('link', { name: `User ${BOB.id.slice(-8)}` })
        .getAttribute('href'),
    ).toBe(`/users?q=${BOB.id}`)
    expect(
      within(refund!)
        .getByRole('link', { name: `User ${ADMIN_ID.slice(-8)}` })
        .getAttribute('href'),
    ).toBe(`/users?q=${ADMIN_ID}`)

    const toggle = within(refund!).getByRole('button', { name: /Show details/ })
    expect(toggle.getAttribute('aria-expanded')).toBe('false')
    await userEvent.click(toggle)
    expect(toggle.getAttribute('aria-expanded')).toBe('true')
    const pre = table.querySelector('pre')!
    expect(JSON.parse(pre.textContent!)).toEqual(auditEntry().details)
    expect(document.getElementById(toggle.getAttribute('aria-controls')!)?.contains(pre)).toBe(true)
    await userEvent.click(within(refund!).getByRole('button', { name: /Hide details/ }))
    expect(table.querySelector('pre')).toBeNull()
  })

  test('filters come from the URL and change the request', async () => {
    const calls = mockApi({ 'GET /api/auth/audit': page() })
    open('/audit?action=payment.refunded')
    await screen.findByRole('table', { name: 'Audit log' })
    expect(last(calls).get('action')).toBe('payment.refunded')

    await userEvent.selectOptions(screen.getByLabelText('Action'), 'user.disabled')
    await waitFor(() => expect(last(calls).get('action')).toBe('user.disabled'))

    await userEvent.type(screen.getByLabelText('Actor id'), 'x')
    await userEvent.type(screen.getByLabelText('Target id'), BOB.id)
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }))
    expect(screen.getByText('An id is a UUID')).toBeDefined()
    expect(last(calls).get('targetId')).toBeNull()

    await userEvent.clear(screen.getByLabelText('Actor id'))
    await userEvent.type(screen.getByLabelText('Actor id'), ADMIN_ID)
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-01' } })
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-12-02' } })
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }))
    await waitFor(() => expect(last(calls).get('actorId')).toBe(ADMIN_ID))
    expect(last(calls).get('targetId')).toBe(BOB.id)
    expect(last(calls).get('from')).toBe('2026-12-01T00:00:00.000Z')
    expect(last(calls).get('to')).toBe('2026-12-03T00:00:00.000Z')
    expect(last(calls).get('action')).toBe('user.disabled')
  })

  test('a start date after the end date is refused before any request', async () => {
    const calls = mockApi({ 'GET /api/auth/audit': page() })
    open()
    await screen.findByRole('table', { name: 'Audit log' })
    const before = calls.length
    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-05' } })
    fireEvent.change(screen.getByLabelText('To'), { target: { value: '2026-12-01' } })
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }))
    expect(screen.getByText('Must not be before the start date')).toBeDefined()
    expect(calls).toHaveLength(before)
  })

  test('the pager passes the cursor with the filters', async () => {
    const calls = mockApi({
      'GET /api/auth/audit': (call) =>
        call.query.get('cursor') ? page([ROLE_CHANGE]) : page([auditEntry()], 'a-next'),
    })
    open('/audit?action=payment.refunded')
    await screen.findByRole('table', { name: 'Audit log' })
    await userEvent.click(screen.getByRole('button', { name: 'Next' }))
    await waitFor(() => expect(last(calls).get('cursor')).toBe('a-next'))
    expect(last(calls).get('action')).toBe('payment.refunded')
  })
})
