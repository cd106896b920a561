import { describe, expect, test } from 'bun:test'
import { screen, waitFor, within } from '@testing-library/react'
import type { DayStats, PlatformStatus, PledgeStats } from '../../src/api/types'
import { isoDay } from '../../src/components/format'
import { OverviewPage } from '../../src/pages/overview'
import { mockApi, problem, renderPage } from '../support'

const DAY_MS = 86_400_000

function week(amounts: number[]): DayStats[] {
  return amounts.map((amount, i) => ({
    day: isoDay(new Date(Date.now() - (amounts.length - 1 - i) * DAY_MS)),
    capturedAmount: amount,
    refundedAmount: amount > 0 ? 0.1 : 0,
    netAmount: amount > 0 ? Math.round((amount - 0.1) * 100) / 100 : 0,
    pledgesCaptured: amount > 0 ? 2 : 0,
    refunds: amount > 0 ? 1 : 0,
  }))
}

const stats = (items: DayStats[]) => ({
  body: { bucket: 'day', from: items[0]?.day, to: items.at(-1)?.day, items },
})

function pledgeStats(count: number, stuck = 0): { body: PledgeStats } {
  const state = (n: number) => ({ count: n * count, amount: n * count * 10 })
  return {
    body: {
      from: null,
      to: null,
      byState: {
        PENDING: state(1),
        AUTHORIZED: state(2),
        CAPTURED: state(3),
        REFUNDED: state(4),
        FAILED: state(5),
      },
      stuck,
      stuckAfterSeconds: 900,
    },
  }
}

const ready = { status: 'ready', checks: { postgres: 'up', rabbitmq: 'up' } } as const

function platform(overrides: Partial<PlatformStatus> = {}): { body: PlatformStatus } {
  return {
    body: {
      status: 'ready',
      services: { auth: ready, campaign: ready, pledge: ready, payment: ready, totals: ready, chat: ready },
      dlq: { total: 0 },
      ...overrides,
    },
  }
}

describe('overview', () => {
  test('shows each section loading', () => {
    mockApi({
      'GET /api/totals/stats': 'pending',
      'GET /api/pledges/stats': 'pending',
      'GET /api/status': 'pending',
    })
    renderPage(<OverviewPage />)
    expect(screen.getByRole('heading', { name: 'Overview' })).toBeDefined()
    expect(screen.getAllByText('Loading…')).toHaveLength(3)
  })

  test('shows zeros and says there are no pledges yet on a quiet platform', async () => {
    mockApi({
      'GET /api/totals/stats': stats(week([0, 0, 0, 0, 0, 0, 0])),
      'GET /api/pledges/stats': pledgeStats(0),
      'GET /api/status': platform(),
    })
    renderPage(<OverviewPage />)
    expect(await screen.findByText('No pledges yet.')).toBeDefined()
    expect(screen.getAllByText('$0.00').length).toBeGreaterThanOrEqual(2)
    expect(screen.queryByRole('list', { name: 'Dead-letter queues with messages' })).toBeNull()
  })

  test('shows what failed in each section, with a retry', async () => {
    const calls = mockApi({
      'GET /api/totals/stats': problem(403, 'Forbidden'),
      'GET /api/pledges/stats': 'network-error',
      'GET /api/status': problem(502, 'Bad Gateway', 'the gateway is down'),
    })
    renderPage(<OverviewPage />)
    await waitFor(() => expect(screen.getAllByRole('alert')).toHaveLength(3))
    expect(screen.getByText(/needs the admin role/)).toBeDefined()
    expect(screen.getByText(/could not be reached/)).toBeDefined()
    expect(screen.getByText('Bad Gateway: the gateway is down')).toBeDefined()
    const before = calls.length
    screen.getAllByRole('button', { name: 'Try again' })[0]!.click()
    await waitFor(() => expect(calls.length).toBe(before + 1))
  })

  test('shows money raised, pledges by outcome, stuck pledges, service readiness and DLQ depths', async () => {
    const calls = mockApi({
      'GET /api/totals/stats': stats(week([10, 0, 0, 0, 20, 30.3, 40.2])),
      'GET /api/pledges/stats': pledgeStats(1, 4),
      'GET /api/status': platform({
        status: 'degraded',
        services: {
          auth: ready,
          campaign: ready,
          pledge: { ...ready, dlq: { 'pledge.payment-events.dlq': 0 } },
          payment: {
            status: 'unready',
            checks: { postgres: 'up', rabbitmq: 'down' },
            dlq: { 'payment.pledge-created.dlq': 3, 'payment.retry.dlq': 0 },
          },
          totals: { status: 'down' },
          chat: ready,
        },
        dlq: { total: 3 },
      }),
    })
    renderPage(<OverviewPage />)

    const raised = await screen.findByRole('region', { name: 'Money raised' })
    await within(raised).findByText('$40.10')
    expect(within(raised).getByText('$40.20 captured · 2 pledges')).toBeDefined()
    // 100.5 captured over the week, less 0.1 refunded on each of its 4 busy days.
    expect(within(raised).getByText('$100.10')).toBeDefined()
    expect(within(raised).getByText('$100.50 captured · 8 pledges')).toBeDefined()
    const statsCall = calls.find((c) => c.path === '/api/totals/stats')!
    expect(statsCall.query.get('to')).toBe(isoDay(new Date()))
    expect(statsCall.query.get('from')).toBe(isoDay(new Date(Date.now() - 6 * DAY_MS)))
    expect(statsCall.query.get('bucket')).toBe('day')

    const pledges = screen.getByRole('region', { name: 'Pledges by outcome' })
    const stuck = await within(pledges).findByRole('link', { name: /4 stuck pledges/ })
    expect(stuck.getAttribute('href')).toBe('/pledges?stuck=true')
    expect(within(pledges).getByText('Not settled after 15 min')).toBeDefined()
    const failed = within(pledges).getByText('FAILED').closest('tr')!
    expect(failed.textContent).toContain('5')
    expect(failed.textContent).toContain('$50.00')

    const services = screen.getByRole('region', { name: 'Services' })
    await within(services).findByText('degraded')
    const payment = within(services).getByText('payment').closest('li')!
    expect(within(payment).getByText('unready')).toBeDefined()
    expect(
      within(within(payment).getByRole('list', { name: 'payment checks' })).getByText('down'),
    ).toBeDefined()
    expect(within(within(services).getByText('totals').closest('li')!).getByText('down')).toBeDefined()
    const queues = within(services).getByRole('list', { name: 'Dead-letter queues with messages' })
    expect(within(queues).getAllByRole('listitem')).toHaveLength(1)
    expect(queues.textContent).toContain('payment.pledge-created.dlq (payment): 3')

    expect(screen.getByRole('link', { name: 'Grafana' }).getAttribute('href')).toBe('http://localhost:3100')
    expect(screen.getByRole('link', { name: 'Jaeger' }).getAttribute('href')).toBe('http://localhost:16686')
    expect(screen.getByRole('link', { name: 'Kibana' }).getAttribute('href')).toBe('http://localhost:5601')
  })

  test('says so when the gateway does not report DLQ depths', async () => {
    mockApi({
      'GET /api/totals/stats': stats(week([0])),
      'GET /api/pledges/stats': pledgeStats(1),
      'GET /api/status': { body: { ...platform().body, dlq: undefined } },
    })
    renderPage(<OverviewPage />)
    expect(await screen.findByText('depth not reported by the gateway')).toBeDefined()
  })
})
