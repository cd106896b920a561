import { describe, expect, test } from 'bun:test'
import { screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { CampaignsPage } from '../../src/pages/campaigns'
import { campaign, id, totals } from '../campaign-fixtures'
import type { Call } from '../support'
import { mockApi, problem, renderPage } from '../support'

const A = campaign({
  id: id(1),
  title: 'Books for Sylhet',
  goalAmount: 4_000,
  status: 'PAUSED',
  createdAt: '2026-12-03T10:00:00.000Z',
  currentAmount: undefined,
})
const B = campaign({
  id: id(2),
  title: 'flood relief kits',
  goalAmount: 10_000,
  status: 'DRAFT',
  createdAt: '2026-12-02T10:00:00.000Z',
  currentAmount: undefined,
})
const C = campaign({
  id: id(3),
  title: 'Clean water',
  goalAmount: 25_000,
  status: 'ACTIVE',
  createdAt: '2026-12-01T10:00:00.000Z',
  currentAmount: undefined,
})

// The list's items carry no currentAmount (only GET /api/campaigns/:id does).
const page = (items = [A, B, C], nextCursor: string | null = null) => ({ body: { items, nextCursor } })
const raised = {
  body: {
    items: [
      totals({ campaignId: A.id, totalAmount: 1_000 }),
      totals({ campaignId: C.id, totalAmount: 12_500 }),
    ],
  },
}

const lists = (calls: Call[]) => calls.filter((c) => c.path === '/api/campaigns')
const titles = () =>
  within(screen.getByRole('table'))
    .getAllByRole('row')
    .slice(1)
    .map((row) => within(row).getAllByRole('cell')[0]!.textContent)

describe('campaigns', () => {
  test('shows the table loading', () => {
    mockApi({ 'GET /api/campaigns': 'pending' })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    expect(screen.getByRole('status').textContent).toBe('Loading…')
  })

  test('says there are none yet, and offers to create one', async () => {
    mockApi({ 'GET /api/campaigns': page([]) })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    expect(await screen.findByText(/No campaigns yet/)).toBeDefined()
    expect(screen.getByRole('link', { name: 'Create the first one' }).getAttribute('href')).toBe(
      '/campaigns/new',
    )
  })

  test('says when nothing matches the filters, and clears them', async () => {
    const calls = mockApi({ 'GET /api/campaigns': (call) => (call.query.get('q') ? page([]) : page()) })
    renderPage(<CampaignsPage />, { path: '/campaigns?q=nothing' })
    expect(await screen.findByText(/No campaigns match these filters/)).toBeDefined()
    await userEvent.click(screen.getByRole('button', { name: 'Clear filters' }))
    expect(await screen.findByText('Books for Sylhet')).toBeDefined()
    expect(lists(calls).at(-1)?.query.get('q')).toBeNull()
  })

  test('shows the API problem, and tries again', async () => {
    let fail = true
    const calls = mockApi({
      'GET /api/campaigns': () => (fail ? problem(503, 'Service Unavailable', 'campaigns are down') : page()),
      'GET /api/totals': raised,
    })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    expect((await screen.findByRole('alert')).textContent).toContain('campaigns are down')
    fail = false
    await userEvent.click(screen.getByRole('button', { name: 'Try again' }))
    expect(await screen.findByText('Books for Sylhet')).toBeDefined()
    expect(lists(calls)).toHaveLength(2)
  })

  test('lists a page with what each campaign raised, from one totals request', async () => {
    const calls = mockApi({ 'GET /api/campaigns': page(), 'GET /api/totals': raised })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    const link = await screen.findByRole('link', { name: 'Books for Sylhet' })
    expect(link.getAttribute('href')).toBe(`/campaigns/${A.id}`)
    expect(screen.getByRole('link', { name: 'Edit Books for Sylhet' }).getAttribute('href')).toBe(
      `/campaigns/${A.id}/edit`,
    )
    expect(screen.getByRole('link', { name: 'New campaign' }).getAttribute('href')).toBe('/campaigns/new')
    await screen.findByText('$12,500.00')
    const rowOf = (title: string) => screen.getByRole('link', { name: title }).closest('tr')!
    expect(rowOf('Books for Sylhet').textContent).toContain('$1,000.00 (25%)')
    expect(rowOf('Clean water').textContent).toContain('$12,500.00 (50%)')
    expect(rowOf('flood relief kits').textContent).toContain('—')
    const totalsCalls = calls.filter((c) => c.path === '/api/totals')
    expect(totalsCalls).toHaveLength(1)
    expect(totalsCalls[0]?.query.get('campaignIds')).toBe(`${A.id},${B.id},${C.id}`)
    expect(lists(calls)[0]?.query.get('limit')).toBe('20')
  })

  test('still lists the campaigns when the totals cannot be read', async () => {
    mockApi({ 'GET /api/campaigns': page(), 'GET /api/totals': problem(500, 'Internal Server Error') })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    expect(await screen.findByText('Clean water')).toBeDefined()
    await waitFor(() => expect(screen.getAllByTitle('Totals are unavailable')).toHaveLength(3))
  })

  test('searches as the admin types, and filters by status', async () => {
    const calls = mockApi({ 'GET /api/campaigns': page(), 'GET /api/totals': raised })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    await screen.findByText('Clean water')
    await userEvent.type(screen.getByLabelText('Search'), 'water')
    await waitFor(() => expect(lists(calls).at(-1)?.query.get('q')).toBe('water'))
    // One request for the pause after typing, not one per key.
    expect(lists(calls).filter((c) => c.query.get('q'))).toHaveLength(1)
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'ACTIVE')
    await waitFor(() => expect(lists(calls).at(-1)?.query.get('status')).toBe('ACTIVE'))
    expect(lists(calls).at(-1)?.query.get('q')).toBe('water')
    await userEvent.selectOptions(screen.getByLabelText('Status'), '')
    await waitFor(() => expect(lists(calls).at(-1)?.query.get('status')).toBeNull())
  })

  test('searches at once on Enter', async () => {
    const calls = mockApi({ 'GET /api/campaigns': page(), 'GET /api/totals': raised })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    await screen.findByText('Clean water')
    await userEvent.type(screen.getByLabelText('Search'), 'books{Enter}')
    expect(lists(calls).at(-1)?.query.get('q')).toBe('books')
  })

  test('sorts the page by a column, flipping the order, and says so with aria-sort', async () => {
    mockApi({ 'GET /api/campaigns': page(), 'GET /api/totals': raised })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    await screen.findByText('Clean water')
    const header = (name: string) =>
      screen.getByRole('button', { name: new RegExp(`^${name}`) }).closest('th')!
    expect(header('Created').getAttribute('aria-sort')).toBe('descending')
    expect(header('Title').getAttribute('aria-sort')).toBe('none')
    expect(titles()).toEqual(['Books for Sylhet', 'flood relief kits', 'Clean water'])

    await userEvent.click(screen.getByRole('button', { name: /^Title/ }))
    expect(header('Title').getAttribute('aria-sort')).toBe('ascending')
    expect(header('Created').getAttribute('aria-sort')).toBe('none')
    expect(titles()).toEqual(['Books for Sylhet', 'Clean water', 'flood relief kits'])

    await userEvent.click(screen.getByRole('button', { name: /^Title/ }))
    expect(header('Title').getAttribute('aria-sort')).toBe('descending')
    expect(titles()).toEqual(['flood relief kits', 'Clean water', 'Books for Sylhet'])

    await userEvent.click(screen.getByRole('button', { name: /^Goal/ }))
    expect(titles()).toEqual(['Books for Sylhet', 'flood relief kits', 'Clean water'])

    await userEvent.click(screen.getByRole('button', { name: /^Status/ }))
    expect(titles()).toEqual(['flood relief kits', 'Clean water', 'Books for Sylhet'])
  })

  test('pages with the cursor the API gave, and back', async () => {
    const calls = mockApi({
      'GET /api/campaigns': (call) =>
        call.query.get('cursor') === 'next-1' ? page([C]) : page([A, B], 'next-1'),
      'GET /api/totals': raised,
    })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    await screen.findByText('Books for Sylhet')
    expect(screen.getByRole('button', { name: 'Previous' }).hasAttribute('disabled')).toBe(true)
    await userEvent.click(screen.getByRole('button', { name: 'Next' }))
    await waitFor(() => expect(screen.queryByText('Books for Sylhet')).toBeNull())
    expect(screen.getByText('Clean water')).toBeDefined()
    expect(lists(calls).at(-1)?.query.get('cursor')).toBe('next-1')
    expect(screen.getByRole('button', { name: 'Next' }).hasAttribute('disabled')).toBe(true)
    await userEvent.click(screen.getByRole('button', { name: 'Previous' }))
    expect(await screen.findByText('Books for Sylhet')).toBeDefined()
  })

  test('starts again from the first page when a filter changes', async () => {
    const calls = mockApi({ 'GET /api/campaigns': page([A, B], 'next-1'), 'GET /api/totals': raised })
    renderPage(<CampaignsPage />, { path: '/campaigns' })
    await screen.findByText('Books for Sylhet')
    await userEvent.click(screen.getByRole('button', { name: 'Next' }))
    await waitFor(() => expect(lists(calls).at(-1)?.query.get('cursor')).toBe('next-1'))
    await userEvent.selectOptions(screen.getByLabelText('Status'), 'DRAFT')
    await waitFor(() => expect(lists(calls).at(-1)?.query.get('status')).toBe('DRAFT'))
    expect(lists(calls).at(-1)?.query.get('cursor')).toBeNull()
  })
})
