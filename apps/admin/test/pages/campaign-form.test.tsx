import { describe, expect, test } from 'bun:test'
import { fireEvent, screen, waitFor } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { CampaignFormPage } from '../../src/pages/campaign-form'
import { CAMPAIGN_ID, campaign } from '../campaign-fixtures'
import { mockApi, problem, renderPage } from '../support'

const NEW = { path: '/campaigns/new', route: '/campaigns/new' }
const EDIT = { path: `/campaigns/${CAMPAIGN_ID}/edit`, route: '/campaigns/:id/edit' }

const field = (label: string) => screen.getByLabelText(label) as HTMLInputElement
const errorOf = (label: string) => {
  const id = field(label).getAttribute('aria-describedby')
  return id ? document.getElementById(id)?.textContent : undefined
}
const setDate = (label: string, value: string) => fireEvent.change(field(label), { target: { value } })

async function fillValid() {
  await userEvent.type(field('Title'), '  Clean water for Rangpur ')
  await userEvent.type(field('Description'), 'Tube wells.')
  await userEvent.type(field('Goal (USD)'), '2500.5')
  setDate('Starts (UTC)', '2026-12-10T09:00')
  setDate('Ends (UTC)', '2027-01-10T18:30')
}

describe('new campaign', () => {
  test('blocks an empty form with a message on each field, before any request', async () => {
    const calls = mockApi({})
    renderPage(<CampaignFormPage />, NEW)
    await userEvent.click(screen.getByRole('button', { name: 'Create campaign' }))
    expect(calls).toHaveLength(0)
    expect(errorOf('Title')).toBe('Required')
    expect(errorOf('Goal (USD)')).toBe('Required')
    expect(errorOf('Starts (UTC)')).toBe('Required')
    expect(errorOf('Ends (UTC)')).toBe('Required')
    expect(field('Title').getAttribute('aria-invalid')).toBe('true')
  })

  test('refuses a goal of zero, too many decimals, and an end before the start', async () => {
    const calls = mockApi({})
    renderPage(<CampaignFormPage />, NEW)
    await fillValid()
    setDate('Ends (UTC)', '2026-12-09T09:00')
    await userEvent.clear(field('Goal (USD)'))
    await userEvent.type(field('Goal (USD)'), '0')
    await userEvent.click(screen.getByRole('button', { name: 'Create campaign' }))
    expect(errorOf('Goal (USD)')).toBe('Must be more than 0')
    expect(errorOf('Ends (UTC)')).toBe('endDate must be after startDate')
    await userEvent.clear(field('Goal (USD)'))
    await userEvent.type(field('Goal (USD)'), '10.555')
    await userEvent.click(screen.getByRole('button', { name: 'Create campaign' }))
    expect(errorOf('Goal (USD)')).toBe('at most 2 decimals')
    expect(calls).toHaveLength(0)
  })

  test('sends the campaign with UTC times and opens its page', async () => {
    const calls = mockApi({ 'POST /api/campaigns': { status: 201, body: campaign({ status: 'DRAFT' }) } })
    renderPage(<CampaignFormPage />, NEW)
    await fillValid()
    await userEvent.click(screen.getByRole('button', { name: 'Create campaign' }))
    await waitFor(() => expect(screen.getByText('elsewhere')).toBeDefined())
    expect(calls).toHaveLength(1)
    expect(calls[0]?.body).toEqual({
      title: 'Clean water for Rangpur',
      description: 'Tube wells.',
      goalAmount: 2500.5,
      startDate: '2026-12-10T09:00:00.000Z',
      endDate: '2027-01-10T18:30:00.000Z',
    })
  })

  test("puts the API's validation errors on their fields", async () => {
    mockApi({
      'POST /api/campaigns': {
        status: 400,
        body: {
          type: 'about:blank',
          title: 'Validation Failed',
          status: 400,
          errors: [{ path: 'title', message: 'A campaign with this title exists' }],
        },
      },
    })
    renderPage(<CampaignFormPage />, NEW)
    await fillValid()
    await userEvent.click(screen.getByRole('button', { name: 'Create campaign' }))
    await waitFor(() => expect(errorOf('Title')).toBe('A campaign with this title exists'))
    expect(screen.queryByText('elsewhere')).toBeNull()
  })

  test('shows a problem that is not about a field', async () => {
    mockApi({ 'POST /api/campaigns': problem(403, 'Forbidden') })
    renderPage(<CampaignFormPage />, NEW)
    await fillValid()
    await userEvent.click(screen.getByRole('button', { name: 'Create campaign' }))
    expect((await screen.findByRole('alert')).textContent).toContain('needs the admin role')
  })
})

describe('edit campaign', () => {
  test('shows the campaign loading', () => {
    mockApi({ 'GET /api/campaigns/:id': 'pending' })
    renderPage(<CampaignFormPage />, EDIT)
    expect(screen.getByRole('status').textContent).toBe('Loading…')
  })

  test('shows why the campaign cannot be edited when it cannot be read', async () => {
    mockApi({ 'GET /api/campaigns/:id': problem(404, 'Not Found', 'No campaign with this id') })
    renderPage(<CampaignFormPage />, EDIT)
    expect((await screen.findByRole('alert')).textContent).toContain('No campaign with this id')
  })

  test('fills the form in UTC and sends only the fields that changed', async () => {
    const calls = mockApi({
      'GET /api/campaigns/:id': { body: campaign() },
      'PATCH /api/campaigns/:id': { body: campaign({ goalAmount: 30_000 }) },
    })
    renderPage(<CampaignFormPage />, EDIT)
    await screen.findByDisplayValue('Clean water for Rangpur')
    expect(field('Goal (USD)').value).toBe('25000')
    expect(field('Starts (UTC)').value).toBe('2026-12-01T09:00')
    expect(field('Ends (UTC)').value).toBe('2027-02-01T09:00')

    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    expect((await screen.findByRole('alert')).textContent).toBe('Nothing has changed.')
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0)

    await userEvent.clear(field('Goal (USD)'))
    await userEvent.type(field('Goal (USD)'), '30000')
    setDate('Ends (UTC)', '2027-03-01T12:00')
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    await waitFor(() => expect(screen.getByText('elsewhere')).toBeDefined())
    const patch = calls.find((c) => c.method === 'PATCH')
    expect(patch?.path).toBe(`/api/campaigns/${CAMPAIGN_ID}`)
    expect(patch?.body).toEqual({ goalAmount: 30_000, endDate: '2027-03-01T12:00:00.000Z' })
  })

  test('checks the end against the unchanged start', async () => {
    const calls = mockApi({ 'GET /api/campaigns/:id': { body: campaign() } })
    renderPage(<CampaignFormPage />, EDIT)
    await screen.findByDisplayValue('Clean water for Rangpur')
    setDate('Ends (UTC)', '2026-11-01T09:00')
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    expect(errorOf('Ends (UTC)')).toBe('endDate must be after startDate')
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0)
  })

  test('shows a conflict from the API', async () => {
    mockApi({
      'GET /api/campaigns/:id': { body: campaign({ status: 'COMPLETED' }) },
      'PATCH /api/campaigns/:id': problem(409, 'Conflict', 'A COMPLETED campaign cannot change'),
    })
    renderPage(<CampaignFormPage />, EDIT)
    await screen.findByDisplayValue('Clean water for Rangpur')
    await userEvent.type(field('Title'), '!')
    await userEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    expect((await screen.findByRole('alert')).textContent).toContain('A COMPLETED campaign cannot change')
  })
})
