import { describe, expect, test } from 'bun:test'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { PledgesPage } from '../../src/pages/pledges'
import { CAMPAIGN_ID, PLEDGE_ID, pledge } from '../fixtures/money'
import { type Call, mockApi, problem, renderPage } from '../support'

const page = (items = [pledge()], nextCursor: string | null = null) => ({ body: { items, nextCursor } })
const lists = (calls: Call[]) => calls.filter((call) => call.path === '/api/pledges')
const last = (calls: Call[]) => lists(calls).at(-1)!.query

function open(path = '/pledges') {
  return renderPage(<PledgesPage />, { path, route: '/pledges' })
}

describe('pledges', () => {
  test('says it is loading while the API has not answered', () => {
    mockApi({ 'GET /api/pledges': 'pending' })
    open()
    expect(screen.getByRole('status').textContent).toContain('Loading')
  })

  test('says so when no pledge matches', async () => {
    mockApi({ 'GET /api/pledges': page([]) })
    open()
    expect(await screen.findByText('No pledges match these filters.')).toBeDefined()
  })

  test('shows the API problem and tries again on request', async () => {
    let answers = 0
    mockApi({
      'GET /api/pledges': () => (++answers === 1 ? problem(500, 'Internal Server Error') : page()),
    })
    open()
    expect((await screen.findByRole('alert')).textContent).toContain('Internal Server Error')
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByRole('table', { name: 'Pledges' })).toBeDefined()
  })

  test('lists pledges linking to their page, anonymous donors marked as such', async () => {
    mockApi({
      'GET /api/pledges': page([
        pledge(),
        pledge({ id: '01a242e6-22ee-70e1-80d4-632e8850ddb9', donorName: 'Shy Donor', anonymous: true }),
      ]),
    })
    open()
    const table = await screen.findByRole('table', { name: 'Pledges' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows).toHaveLength(2)
    expect(rows[0]!.textContent).toContain('Probe Donor')
    expect(rows[0]!.textContent).not.toContain('Anonymous')
    expect(rows[0]!.textContent).toContain('$25.50')
    expect(rows[1]!.textContent).toContain('Anonymous')
    expect(rows[1]!.textContent).toContain('Shy Donor')
    expect(rows[1]!.textContent).toContain('hidden from the public')
    await userEvent.click(within(rows[0]!).getByRole('link', { name: `Pledge ${PLEDGE_ID.slice(-8)}` }))
    expect(screen.getByText('elsewhere')).toBeDefined()
  })

  test('takes its filters from the URL, so the overview can link to the stuck pledges', async () => {
    const calls = mockApi({ 'GET /api/pledges': page([]) })
    open('/pledges?stuck=true&state=PENDING')
    expect(await screen.findByText('No stuck pledges: every pledge is moving.')).toBeDefined()
    expect(last(calls).get('stuck')).toBe('true')
    expect(last(calls).get('state')).toBe('PENDING')
    expect((screen.getByLabelText('Stuck only') as HTMLInputElement).checked).toBe(true)
  })

  test('filters change the request: state, stuck, campaign and dates', async () => {
    const calls = mockApi({ 'GET /api/pledges': page() })
    open()
    await screen.findByRole('table', { name: 'Pledges' })
    expect(last(calls).get('limit')).toBe('20')

    await userEvent.selectOptions(screen.getByLabelText('State'), 'FAILED')
    await waitFor(() => expect(last(calls).get('state')).toBe('FAILED'))

    await userEvent.click(screen.getByLabelText('Stuck only'))
    await waitFor(() => expect(last(calls).get('stuck')).toBe('true'))

    fireEvent.change(screen.getByLabelText('Created from'), { target: { value: '2026-12-01' } })
    fireEvent.change(screen.getByLabelText('Created to'), { target: { value: '2026-12-04' } })
    await userEvent.click(screen.getByRole('button', { name: 'Apply' }))
    await waitFor(() => expect(last(calls).get('from')).toBe('2026-12-01T00:00:00.000Z'))
    // `to` is exclusive in the API: the last day is included by asking up to the next one.
    expect(last(calls).get('to')).toBe('2026-12-05T00:00:00.000Z')
    expect(last(calls).get('state')).toBe('FAILED')

    await userEvent.click(screen.getByRole('button', { name: 'Clear' }))
    await waitFor(() => expect([...last(calls).keys()].sort()).toEqual(['limit']))
  })

  test('a campaign id is checked before it is sent, and alone still gets the full admin view', async () => {
    const calls = mockApi({ 'GET /api/pledges': page() })
    open()
    await screen.findByRole('table', { name: 'Pledges' })
    const before = lists(calls).length
    await userEvent.type(screen.getByLabelText('Campaign id'), 'not-a-uuid{Enter}')
    expect(screen.getByText('A campaign id is a UUID')).toBeDefined()
    expect(lists(calls)).toHaveLength(before)

    await userEvent.clear(screen.getByLabelText('Campaign id'))
    await userEvent.type(screen.getByLabelText('Campaign id'), `${CAMPAIGN_ID}{Enter}`)
    await waitFor(() => expect(last(calls).get('campaignId')).toBe(CAMPAIGN_ID))
    // Alone, a campaign filter would get the public donation list; from the epoch keeps every pledge.
    expect(last(calls).get('from')).toBe('1970-01-01T00:00:00.000Z')
  })

  test('the pager passes the cursor of the next page, and goes back without it', async () => {
    const calls = mockApi({
      'GET /api/pledges': (call) =>
        call.query.get('cursor') === 'page-2'
          ? page([pledge({ id: 'b'.repeat(8) })])
          : page([pledge()], 'page-2'),
    })
    open()
    await screen.findByRole('table', { name: 'Pledges' })
    expect(screen.getByRole('button', { name: 'Previous' }).hasAttribute('disabled')).toBe(true)
    await userEvent.click(screen.getByRole('button', { name: 'Next' }))
    await waitFor(() => expect(screen.getByRole('link', { name: 'Pledge bbbbbbbb' })).toBeDefined())
    expect(last(calls).get('cursor')).toBe('page-2')
    expect(screen.getByRole('button', { name: 'Next' }).hasAttribute('disabled')).toBe(true)
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }))
    await waitFor(() =>
      expect(screen.getByRole('link', { name: `Pledge ${PLEDGE_ID.slice(-8)}` })).toBeDefined(),
    )
  })
})
