import { describe, expect, test } from 'bun:test'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { UsersPage } from '../../src/pages/users'
import { user } from '../fixtures/money'
import { ADMIN, type Call, mockApi, problem, renderPage } from '../support'

const BOB = user()
const page = (items = [ADMIN.user, BOB], nextCursor: string | null = null) => ({
  body: { items, nextCursor },
})
const last = (calls: Call[]) => calls.filter((call) => call.path === '/api/auth/users').at(-1)!.query
const patches = (calls: Call[]) => calls.filter((call) => call.method === 'PATCH')

function open(path = '/users') {
  return renderPage(<UsersPage />, { path, route: '/users' })
}

describe('users', () => {
  test('says it is loading while the API has not answered', () => {
    mockApi({ 'GET /api/auth/users': 'pending' })
    open()
    expect(screen.getByRole('status').textContent).toContain('Loading')
  })

  test('says so when nobody matches the search', async () => {
    mockApi({ 'GET /api/auth/users': page([]) })
    open('/users?q=zed')
    expect(await screen.findByText('No user matches “zed”.')).toBeDefined()
    expect((screen.getByLabelText('Search') as HTMLInputElement).value).toBe('zed')
  })

  test('shows the API problem', async () => {
    mockApi({ 'GET /api/auth/users': 'network-error' })
    open()
    expect((await screen.findByRole('alert')).textContent).toContain('could not be reached')
  })

  test('lists users; the search and the pager change the request', async () => {
    const calls = mockApi({
      'GET /api/auth/users': (call) =>
        call.query.get('cursor') ? page([user({ id: 'u3', name: 'Cleo' })]) : page(undefined, 'n2'),
    })
    open()
    const table = await screen.findByRole('table', { name: 'Users' })
    expect(within(table).getAllByRole('row')).toHaveLength(3)
    expect(table.textContent).toContain('bob@example.com')
    await userEvent.type(screen.getByLabelText('Search'), 'bob{Enter}')
    await waitFor(() => expect(last(calls).get('q')).toBe('bob'))
    await userEvent.click(await screen.findByRole('button', { name: 'Next' }))
    expect(await screen.findByText('Cleo', { selector: 'td' })).toBeDefined()
    expect(last(calls).get('cursor')).toBe('n2')
    expect(last(calls).get('q')).toBe('bob')
  })

  test('a role change is confirmed, then sends { role } ', async () => {
    const calls = mockApi({
      'GET /api/auth/users': page(),
      [`PATCH /api/auth/users/${BOB.id}`]: { body: { ...BOB, role: 'admin' } },
    })
    open()
    await userEvent.selectOptions(await screen.findByLabelText('Role of Bob Donor'), 'admin')
    const dialog = screen.getByRole('dialog', { name: 'Make Bob Donor an admin?' })
    expect(patches(calls)).toHaveLength(0)
    await userEvent.click(within(dialog).getByRole('button', { name: 'Change role' }))
    expect((await screen.findByRole('status')).textContent).toContain('with the admin role')
    expect(patches(calls).map((call) => call.body)).toEqual([{ role: 'admin' }])
  })

  test('Cancel leaves the role as it was and sends nothing', async () => {
    const calls = mockApi({ 'GET /api/auth/users': page() })
    open()
    await userEvent.selectOptions(await screen.findByLabelText('Role of Bob Donor'), 'admin')
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(screen.queryByRole('dialog')).toBeNull()
    expect((screen.getByLabelText('Role of Bob Donor') as HTMLSelectElement).value).toBe('donor')
    expect(patches(calls)).toHaveLength(0)
  })

  test('disable and enable are confirmed and send { disabled }', async () => {
    const calls = mockApi({
      'GET /api/auth/users': page([ADMIN.user, BOB, user({ id: 'u-eve', name: 'Eve', disabled: true })]),
      'PATCH /api/auth/users/:id': (call) => ({ body: { ...BOB, ...(call.body as object) } }),
    })
    open()
    await userEvent.click(await screen.findByRole('button', { name: 'Disable Bob Donor' }))
    await userEvent.click(
      within(screen.getByRole('dialog', { name: 'Disable Bob Donor?' })).getByRole('button', {
        name: 'Disable',
      }),
    )
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    await userEvent.click(screen.getByRole('button', { name: 'Enable Eve' }))
    await userEvent.click(
      within(screen.getByRole('dialog', { name: 'Enable Eve?' })).getByRole('button', { name: 'Enable' }),
    )
    await waitFor(() => expect(patches(calls)).toHaveLength(2))
    expect(patches(calls).map((call) => [call.path, call.body])).toEqual([
      [`/api/auth/users/${BOB.id}`, { disabled: true }],
      ['/api/auth/users/u-eve', { disabled: false }],
    ])
  })

  test('the signed-in admin cannot disable or demote themselves', async () => {
    mockApi({ 'GET /api/auth/users': page() })
    open()
    const me = (await screen.findByText('(you)')).closest('tr')!
    expect(
      within(me)
        .getByRole('button', { name: `Disable ${ADMIN.user.name}` })
        .hasAttribute('disabled'),
    ).toBe(true)
    expect(within(me).getByLabelText(`Role of ${ADMIN.user.name}`).hasAttribute('disabled')).toBe(true)
    expect(screen.getByRole('button', { name: 'Disable Bob Donor' }).hasAttribute('disabled')).toBe(false)
  })

  test("shows the API's 409 in the dialog", async () => {
    mockApi({
      'GET /api/auth/users': page(),
      [`PATCH /api/auth/users/${BOB.id}`]: problem(
        409,
        'Conflict',
        'An admin cannot disable or demote themself',
      ),
    })
    open()
    await userEvent.click(await screen.findByRole('button', { name: 'Disable Bob Donor' }))
    const dialog = screen.getByRole('dialog')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Disable' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('cannot disable or demote')
  })
})
