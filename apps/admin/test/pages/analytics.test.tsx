import { describe, expect, test } from 'bun:test'
import { fireEvent, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import type { CampaignTotals, DayStats, PledgeStats } from '../../src/api/types'
import { addDays } from '../../src/components/days'
import { isoDay, money } from '../../src/components/format'
import { AnalyticsPage } from '../../src/pages/analytics'
import { type Call, mockApi, problem, renderPage } from '../support'

const DAYS: DayStats[] = [
  {
    day: '2026-12-02',
    capturedAmount: 1520,
    refundedAmount: 20,
    netAmount: 1500,
    pledgesCaptured: 31,
    refunds: 1,
  },
  { day: '2026-12-03', capturedAmount: 0, refundedAmount: 0, netAmount: 0, pledgesCaptured: 0, refunds: 0 },
  {
    day: '2026-12-04',
    capturedAmount: 25.5,
    refundedAmount: 45.75,
    netAmount: -20.25,
    pledgesCaptured: 1,
    refunds: 2,
  },
]
const OUTCOMES: PledgeStats = {
  from: null,
  to: null,
  byState: {
    PENDING: { count: 2, amount: 50 },
    AUTHORIZED: { count: 1, amount: 10.5 },
    CAPTURED: { count: 31, amount: 1520 },
    REFUNDED: { count: 1, amount: 20 },
    FAILED: { count: 3, amount: 75.25 },
  },
  stuck: 1,
  stuckAfterSeconds: 300,
}
const ZERO = { count: 0, amount: 0 }
const CAMPAIGNS = Array.from({ length: 12 }, (_, i) => ({
  id: `01a242de-0000-7000-8000-0000000000${String(i).padStart(2, '0')}`,
  title: `Campaign ${i}`,
  status: 'ACTIVE',
}))
// Amounts chosen so the order by amount is not the order of the list: 0 → 10, 1 → 110.5, …
const TOTALS: CampaignTotals[] = CAMPAIGNS.map((campaign, i) => ({
  campaignId: campaign.id,
  totalAmount: ((i * 7) % 12) * 100 + 10.5,
  totalPledges: i + 1,
  totalDonors: i,
  lastUpdated: i === 0 ? null : '2026-12-04T21:11:39.580Z',
}))

function routes(overrides: Record<string, unknown> = {}) {
  return {
    'GET /api/totals/stats': { body: { bucket: 'day', from: DAYS[0]!.day, to: DAYS[2]!.day, items: DAYS } },
    'GET /api/pledges/stats': { body: OUTCOMES },
    'GET /api/campaigns': { body: { items: CAMPAIGNS, nextCursor: null } },
    'GET /api/totals': { body: { items: TOTALS } },
    ...overrides,
  } as Parameters<typeof mockApi>[0]
}

const last = (calls: Call[], path: string) => calls.filter((call) => call.path === path).at(-1)!.query
const cells = (row: HTMLElement) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent)

function open(path = '/analytics') {
  return renderPage(<AnalyticsPage />, { path, route: '/analytics' })
}

describe('analytics', () => {
  test('each chart says it is loading while the API has not answered', () => {
    mockApi({
      'GET /api/totals/stats': 'pending',
      'GET /api/pledges/stats': 'pending',
      'GET /api/campaigns': 'pending',
    })
    open()
    expect(screen.getAllByRole('status')).toHaveLength(3)
  })

  test('each chart says so when there is nothing to draw', async () => {
    mockApi(
      routes({
        'GET /api/totals/stats': { body: { bucket: 'day', from: 'a', to: 'b', items: [{ ...DAYS[1] }] } },
        'GET /api/pledges/stats': {
          body: {
            ...OUTCOMES,
            byState: { PENDING: ZERO, AUTHORIZED: ZERO, CAPTURED: ZERO, REFUNDED: ZERO, FAILED: ZERO },
            stuck: 0,
          },
        },
        'GET /api/campaigns': { body: { items: [], nextCursor: null } },
      }),
    )
    open()
    expect(await screen.findByText('No captures or refunds in this range.')).toBeDefined()
    expect(await screen.findByText('No pledges were made in this range.')).toBeDefined()
    expect(await screen.findByText('No active campaigns yet.')).toBeDefined()
  })

  test('each chart shows its API problem', async () => {
    mockApi(
      routes({
        'GET /api/totals/stats': problem(400, 'Validation Failed', 'at most 366 days'),
        'GET /api/pledges/stats': problem(503, 'Service Unavailable'),
        'GET /api/totals': problem(400, 'Validation Failed', 'campaign id 1 is not a uuid'),
      }),
    )
    open()
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(3))
    const text = screen.getAllByRole('alert').map((alert) => alert.textContent)
    expect(text.join(' ')).toContain('at most 366 days')
    expect(text.join(' ')).toContain('Service Unavailable')
    expect(text.join(' ')).toContain('campaign id 1 is not a uuid')
  })

  test('asks for the last 30 days by default, one bucket a day', async () => {
    const calls = mockApi(routes())
    open()
    await screen.findByRole('table', { name: 'Donations per day' })
    const to = isoDay(new Date())
    const from = addDays(to, -29)
    expect(Object.fromEntries(last(calls, '/api/totals/stats'))).toEqual({ from, to, bucket: 'day' })
    expect(Object.fromEntries(last(calls, '/api/pledges/stats'))).toEqual({
      from: `${from}T00:00:00.000Z`,
      to: `${addDays(to, 1)}T00:00:00.000Z`,
    })
    expect(Object.fromEntries(last(calls, '/api/campaigns'))).toEqual({ status: 'ACTIVE', limit: '100' })
    expect(last(calls, '/api/totals').get('campaignIds')).toBe(CAMPAIGNS.map((c) => c.id).join(','))
    expect((screen.getByLabelText('From') as HTMLInputElement).value).toBe(from)
  })

  test('the donations table has every number the API gave, day by day', async () => {
    mockApi(routes())
    open()
    const table = await screen.findByRole('table', { name: 'Donations per day' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map(cells)).toEqual(
      DAYS.map((d) => [
        d.day,
        money(d.capturedAmount),
        money(d.refundedAmount),
        money(d.netAmount),
        String(d.pledgesCaptured),
        String(d.refunds),
      ]),
    )
    expect(rows[2]!.textContent).toContain('-$20.25')
    // The chart itself (recharts, loaded lazily) tolerates a container without a size.
    await waitFor(() => expect(document.querySelector('.recharts-responsive-container')).not.toBeNull())
    expect(screen.queryByText(/could not be drawn/)).toBeNull()
  })

  test('the outcomes table has the count and amount of every state, and links the stuck pledges', async () => {
    mockApi(routes())
    open()
    const table = await screen.findByRole('table', { name: 'Pledges by state' })
    expect(within(table).getAllByRole('row').slice(1).map(cells)).toEqual(
      Object.entries(OUTCOMES.byState).map(([state, { count, amount }]) => [
        state,
        String(count),
        money(amount),
      ]),
    )
    const stuck = screen.getByRole('link', { name: '1 stuck pledge' })
    expect(stuck.getAttribute('href')).toBe('/pledges?stuck=true')
    expect(stuck.parentElement!.textContent).toContain('unchanged for over 5 min')
  })

  test('the campaigns table has the ten that raised most, in order, with the API’s totals', async () => {
    mockApi(routes())
    open()
    const table = await screen.findByRole('table', { name: 'Raised per campaign' })
    const rows = within(table).getAllByRole('row').slice(1)
    const expected = [...TOTALS].sort((a, b) => b.totalAmount - a.totalAmount).slice(0, 10)
    expect(rows.map((row) => cells(row).slice(0, 4))).toEqual(
      expected.map((t) => [
        CAMPAIGNS.find((c) => c.id === t.campaignId)!.title,
        money(t.totalAmount),
        String(t.totalPledges),
        String(t.totalDonors),
      ]),
    )
    expect(within(rows[0]!).getByRole('link').getAttribute('href')).toBe(
      `/campaigns/${expected[0]!.campaignId}`,
    )
  })

  test('a new range is asked for; a backwards or over-366-day range is refused before any request', async () => {
    const calls = mockApi(routes())
    open('/analytics?from=2026-11-01&to=2026-11-30')
    await screen.findByRole('table', { name: 'Donations per day' })
    expect(last(calls, '/api/totals/stats').get('from')).toBe('2026-11-01')
    const asked = () => calls.filter((call) => call.path === '/api/totals/stats').length
    const before = asked()

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2026-12-05' } })
    await userEvent.click(screen.getByRole('button', { name: 'Show' }))
    expect(screen.getByText('Must not be before the start date')).toBeDefined()

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2025-11-29' } })
    await userEvent.click(screen.getByRole('button', { name: 'Show' }))
    expect(screen.getByText('At most 366 days at a time')).toBeDefined()
    expect(asked()).toBe(before)

    fireEvent.change(screen.getByLabelText('From'), { target: { value: '2025-11-30' } })
    await userEvent.click(screen.getByRole('button', { name: 'Show' }))
    await waitFor(() => expect(last(calls, '/api/totals/stats').get('from')).toBe('2025-11-30'))
    expect(last(calls, '/api/totals/stats').get('to')).toBe('2026-11-30')
    expect(last(calls, '/api/pledges/stats').get('to')).toBe('2026-12-01T00:00:00.000Z')
  })
})
