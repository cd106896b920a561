import { afterEach, beforeEach, describe, expect, test } from 'bun:test'
import { act, screen, waitFor, within } from '@testing-library/react'
import userEvent from '@testing-library/user-event'
import { CampaignDetailPage } from '../../src/pages/campaign-detail'
import { CAMPAIGN_ID, campaign, chatItem, donation, totals } from '../campaign-fixtures'
import { FakeEventSource, FakeWebSocket, installFakes } from '../fakes'
import { type Call, mockApi, problem, renderPage } from '../support'

const AT = { path: `/campaigns/${CAMPAIGN_ID}`, route: '/campaigns/:id' }
const HISTORY = `GET /api/chat/campaigns/${CAMPAIGN_ID}/messages`

let restore: () => void
beforeEach(() => {
  restore = installFakes()
})
afterEach(() => restore())

/** A campaign with some of everything; `overrides` replaces any route. */
function platform(overrides: Record<string, Parameters<typeof mockApi>[0][string]> = {}): Call[] {
  return mockApi({
    'GET /api/campaigns/:id': { body: campaign() },
    'GET /api/totals/:id': { body: totals() },
    'GET /api/pledges': {
      body: {
        items: [
          donation(1, { donorName: 'Anonymous', amount: 40 }),
          donation(2, { donorName: 'Probe Donor' }),
        ],
        nextCursor: null,
      },
    },
    [HISTORY]: { body: { items: [chatItem(3), chatItem(2), chatItem(1)], nextBefore: null } },
    ...overrides,
  })
}

const progress = () => screen.getByRole('progressbar', { name: 'Goal progress' })
const socket = async (n = 1) => {
  await waitFor(() => expect(FakeWebSocket.instances).toHaveLength(n))
  return FakeWebSocket.instances[n - 1]!
}
const log = () => screen.getByRole('log', { name: 'Messages' })

describe('campaign page', () => {
  test('shows the campaign loading', () => {
    mockApi({ 'GET /api/campaigns/:id': 'pending' })
    renderPage(<CampaignDetailPage />, AT)
    expect(screen.getByRole('status').textContent).toBe('Loading…')
  })

  test('shows the API problem when the campaign cannot be read', async () => {
    mockApi({ 'GET /api/campaigns/:id': problem(404, 'Not Found', 'No campaign with this id') })
    renderPage(<CampaignDetailPage />, AT)
    expect((await screen.findByRole('alert')).textContent).toContain('No campaign with this id')
  })

  test('says there are no donations nor messages yet', async () => {
    platform({
      'GET /api/campaigns/:id': { body: campaign({ currentAmount: 0 }) },
      'GET /api/totals/:id': {
        body: totals({ totalAmount: 0, totalDonors: 0, totalPledges: 0, lastUpdated: null }),
      },
      'GET /api/pledges': { body: { items: [], nextCursor: null } },
      [HISTORY]: { body: { items: [], nextBefore: null } },
    })
    renderPage(<CampaignDetailPage />, AT)
    expect(await screen.findByText('No captured donations yet.')).toBeDefined()
    expect(await screen.findByText('No messages yet.')).toBeDefined()
    expect(screen.getByText('No donations yet')).toBeDefined()
    expect(progress().getAttribute('aria-valuenow')).toBe('0')
    // An empty history: the socket asks for everything after 0.
    expect((await socket()).query.get('since')).toBe('0')
  })

  test('shows details, totals with goal progress, masked donations and the chat', async () => {
    const calls = platform()
    renderPage(<CampaignDetailPage />, AT)
    expect(await screen.findByRole('heading', { name: 'Clean water for Rangpur' })).toBeDefined()
    expect(screen.getByText('Tube wells for six villages.')).toBeDefined()
    await waitFor(() => expect(screen.getByText('35')).toBeDefined())
    expect(progress().getAttribute('aria-valuenow')).toBe('20')
    expect(progress().getAttribute('aria-valuetext')).toBe('$5,000.00 of $25,000.00 (20%)')
    const donations = screen.getByRole('region', { name: 'Donations' })
    expect(await within(donations).findByText('Anonymous')).toBeDefined()
    expect(within(donations).getByText('$40.00')).toBeDefined()
    const pledges = calls.find((c) => c.path === '/api/pledges')!
    expect(pledges.query.get('campaignId')).toBe(CAMPAIGN_ID)
    expect([...pledges.query.keys()].sort()).toEqual(['campaignId', 'limit'])
    expect(await within(log()).findByText('message 3')).toBeDefined()
    expect(
      within(log())
        .getAllByRole('listitem')
        .map((li) => li.querySelector('.chat-text')?.textContent),
    ).toEqual(['message 1', 'message 2', 'message 3'])
    // A status move per allowed transition, and no others.
    expect(screen.getByRole('button', { name: 'Pause' })).toBeDefined()
    expect(screen.getByRole('button', { name: 'Complete' })).toBeDefined()
    expect(screen.queryByRole('button', { name: 'Activate' })).toBeNull()
    expect(screen.getByRole('link', { name: 'Edit' }).getAttribute('href')).toBe(
      `/campaigns/${CAMPAIGN_ID}/edit`,
    )
  })

  test('pages the donations with the cursor the API gave', async () => {
    const calls = platform({
      'GET /api/pledges': (call) =>
        call.query.get('cursor') === 'd-2'
          ? { body: { items: [donation(3)], nextCursor: null } }
          : { body: { items: [donation(1), donation(2)], nextCursor: 'd-2' } },
    })
    renderPage(<CampaignDetailPage />, AT)
    const donations = await screen.findByRole('region', { name: 'Donations' })
    await within(donations).findByText('Donor 1')
    await userEvent.click(within(donations).getByRole('button', { name: 'Next' }))
    expect(await within(donations).findByText('Donor 3')).toBeDefined()
    expect(
      calls
        .filter((c) => c.path === '/api/pledges')
        .at(-1)
        ?.query.get('cursor'),
    ).toBe('d-2')
  })

  test('moves the status after a confirmation, with PATCH {status}', async () => {
    let current = campaign()
    const calls = platform({
      'GET /api/campaigns/:id': () => ({ body: current }),
      'PATCH /api/campaigns/:id': (call) => {
        current = { ...current, ...(call.body as object), version: current.version + 1 }
        return { body: current }
      },
    })
    renderPage(<CampaignDetailPage />, AT)
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }))
    const dialog = screen.getByRole('dialog', { name: 'Pause “Clean water for Rangpur”?' })
    expect(document.activeElement?.textContent).toBe('Cancel')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Pause' }))
    await waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    const patch = calls.find((c) => c.method === 'PATCH')
    expect(patch?.path).toBe(`/api/campaigns/${CAMPAIGN_ID}`)
    expect(patch?.body).toEqual({ status: 'PAUSED' })
    expect(await screen.findByRole('button', { name: 'Resume' })).toBeDefined()
  })

  test('cancels a status move with Escape, sending nothing', async () => {
    const calls = platform()
    renderPage(<CampaignDetailPage />, AT)
    await userEvent.click(await screen.findByRole('button', { name: 'Complete' }))
    expect(screen.getByRole('dialog').textContent).toContain('cannot be undone')
    await userEvent.keyboard('{Escape}')
    expect(screen.queryByRole('dialog')).toBeNull()
    expect(calls.filter((c) => c.method === 'PATCH')).toHaveLength(0)
  })

  test('shows a refused move in the dialog', async () => {
    platform({
      'PATCH /api/campaigns/:id': problem(
        409,
        'Conflict',
        'A COMPLETED campaign can move to nothing, not PAUSED',
      ),
    })
    renderPage(<CampaignDetailPage />, AT)
    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }))
    const dialog = screen.getByRole('dialog')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Pause' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('can move to nothing')
  })

  test('offers a draft only to activate or delete, and has no chat yet', async () => {
    const calls = platform({
      'GET /api/campaigns/:id': { body: campaign({ status: 'DRAFT' }) },
      'DELETE /api/campaigns/:id': { status: 204 },
    })
    renderPage(<CampaignDetailPage />, AT)
    expect(await screen.findByText('The chat opens when the campaign is active.')).toBeDefined()
    expect(screen.getByRole('button', { name: 'Activate' })).toBeDefined()
    expect(screen.queryByRole('button', { name: 'Pause' })).toBeNull()
    await userEvent.click(screen.getByRole('button', { name: 'Delete draft' }))
    await userEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete draft' }))
    await waitFor(() => expect(screen.getByText('elsewhere')).toBeDefined())
    expect(calls.some((c) => c.method === 'DELETE' && c.path === `/api/campaigns/${CAMPAIGN_ID}`)).toBe(true)
    expect(calls.some((c) => c.path.includes('/api/chat/'))).toBe(false)
    expect(FakeWebSocket.instances).toHaveLength(0)
  })
})

describe('live totals', () => {
  test('paints from GET, follows the event stream, and closes it on unmount', async () => {
    platform()
    const view = renderPage(<CampaignDetailPage />, AT)
    await waitFor(() => expect(progress().getAttribute('aria-valuenow')).toBe('20'))
    const source = FakeEventSource.instances[0]!
    expect(source.url).toBe(`http://localhost:3000/api/totals/${CAMPAIGN_ID}/stream`)
    act(() => source.open())
    expect(screen.getByText('Live')).toBeDefined()
    act(() => source.emit('totals', totals({ totalAmount: 12_600, totalDonors: 99 }), '7'))
    expect(progress().getAttribute('aria-valuenow')).toBe('50')
    expect(screen.getByText('$12,600.00')).toBeDefined()
    expect(screen.getByText('99')).toBeDefined()
    act(() => source.fail())
    expect(screen.getByText('Live updates lost; reconnecting…')).toBeDefined()
    view.unmount()
    expect(source.readyState).toBe(FakeEventSource.CLOSED)
  })

  test('a change of the totals brings the donations list up to date', async () => {
    const calls = platform()
    renderPage(<CampaignDetailPage />, AT)
    await waitFor(() => expect(progress().getAttribute('aria-valuenow')).toBe('20'))
    const donationReads = () => calls.filter((c) => c.method === 'GET' && c.path === '/api/pledges').length
    await waitFor(() => expect(donationReads()).toBeGreaterThan(0))
    const before = donationReads()
    const source = FakeEventSource.instances[0]!
    act(() =>
      source.emit('totals', totals({ totalAmount: 12_600, lastUpdated: '2026-12-04T22:00:00.000Z' }), '8'),
    )
    await waitFor(() => expect(donationReads()).toBe(before + 1))
  })

  test('caps the bar at the goal but says how far past it the campaign is', async () => {
    platform({ 'GET /api/totals/:id': { body: totals({ totalAmount: 30_000 }) } })
    renderPage(<CampaignDetailPage />, AT)
    await waitFor(() => expect(progress().getAttribute('aria-valuetext')).toContain('(120%)'))
    expect(progress().getAttribute('aria-valuenow')).toBe('100')
  })
})

describe('chat', () => {
  test('connects after the newest history entry, with the access token', async () => {
    platform()
    renderPage(<CampaignDetailPage />, AT)
    const ws = await socket()
    expect(ws.url.startsWith(`ws://localhost:3000/api/chat/campaigns/${CAMPAIGN_ID}/ws?`)).toBe(true)
    expect(ws.query.get('token')).toBe('access-token')
    expect(ws.query.get('since')).toBe('3')
  })

  test('shows a message as text, never as HTML', async () => {
    platform({
      [HISTORY]: {
        body: {
          items: [chatItem(1, { message: '<img src=x onerror=alert(1)><b>bold</b>' })],
          nextBefore: null,
        },
      },
    })
    renderPage(<CampaignDetailPage />, AT)
    expect(
      await within(await screen.findByRole('log')).findByText('<img src=x onerror=alert(1)><b>bold</b>'),
    ).toBeDefined()
    expect(log().querySelector('img')).toBeNull()
    expect(log().querySelector('b')).toBeNull()
  })

  test('adds live messages and removes a message when its deleted frame comes', async () => {
    platform()
    renderPage(<CampaignDetailPage />, AT)
    const ws = await socket()
    act(() => ws.open())
    expect(await screen.findByText('Connected')).toBeDefined()
    const { deleted: _, ...posted } = chatItem(4, { message: 'hello live' })
    act(() => ws.receive({ type: 'message', ...posted, campaignId: CAMPAIGN_ID }))
    expect(within(log()).getByText('hello live')).toBeDefined()
    act(() =>
      ws.receive({
        type: 'deleted',
        seq: 5,
        id: chatItem(2).id,
        campaignId: CAMPAIGN_ID,
        timestamp: chatItem(2).timestamp,
      }),
    )
    expect(within(log()).queryByText('message 2')).toBeNull()
    expect(within(log()).getAllByRole('listitem')).toHaveLength(3)
    act(() => ws.receive({ type: 'error', code: 'rate_limited', message: 'Too many messages; wait 3 s' }))
    expect(screen.getByRole('alert').textContent).toBe('Too many messages; wait 3 s')
  })

  test('posts a message on the socket', async () => {
    platform()
    renderPage(<CampaignDetailPage />, AT)
    const ws = await socket()
    act(() => ws.open())
    await userEvent.click(await screen.findByRole('button', { name: 'Send' }))
    expect(screen.getByText('Write a message first')).toBeDefined()
    await userEvent.type(screen.getByLabelText('Message'), '  Thank you all!  {Enter}')
    expect(ws.sent).toEqual([{ message: 'Thank you all!' }])
    expect((screen.getByLabelText('Message') as HTMLInputElement).value).toBe('')
  })

  test('reconnects after a drop with the last seq it saw', async () => {
    platform()
    renderPage(<CampaignDetailPage />, AT)
    const first = await socket()
    act(() => first.open())
    act(() =>
      first.receive({
        type: 'deleted',
        seq: 9,
        id: chatItem(1).id,
        campaignId: CAMPAIGN_ID,
        timestamp: 'now',
      }),
    )
    act(() => first.drop())
    expect(await screen.findByText('Connection lost; reconnecting…')).toBeDefined()
    const second = await socket(2)
    expect(second.query.get('since')).toBe('9')
    act(() => second.open())
    expect(await screen.findByText('Connected')).toBeDefined()
  })

  test('deletes a message after a confirmation', async () => {
    const calls = platform({
      [`DELETE /api/chat/campaigns/${CAMPAIGN_ID}/messages/:messageId`]: { status: 204 },
    })
    renderPage(<CampaignDetailPage />, AT)
    await within(await screen.findByRole('log')).findByText('message 2')
    await userEvent.click(screen.getAllByRole('button', { name: 'Delete message from Dana Donor' })[1]!)
    const dialog = screen.getByRole('dialog', { name: 'Delete this message?' })
    expect(dialog.textContent).toContain('message 2')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Delete message' }))
    await waitFor(() => expect(within(log()).queryByText('message 2')).toBeNull())
    const removal = calls.find((c) => c.method === 'DELETE')
    expect(removal?.path).toBe(`/api/chat/campaigns/${CAMPAIGN_ID}/messages/${chatItem(2).id}`)
  })

  test('mutes an author for the chosen time, and can undo it', async () => {
    const mutes = `/api/chat/campaigns/${CAMPAIGN_ID}/mutes`
    const calls = platform({
      [`POST ${mutes}`]: {
        status: 201,
        body: { campaignId: CAMPAIGN_ID, userId: chatItem(1).userId, until: '2026-12-04T12:00:00.000Z' },
      },
      [`DELETE ${mutes}/:userId`]: { status: 204 },
    })
    renderPage(<CampaignDetailPage />, AT)
    await within(await screen.findByRole('log')).findByText('message 1')
    await userEvent.click(screen.getAllByRole('button', { name: 'Mute Dana Donor' })[0]!)
    const dialog = screen.getByRole('dialog', { name: 'Mute Dana Donor?' })
    await userEvent.selectOptions(within(dialog).getByLabelText('Mute for'), '1440')
    await userEvent.click(within(dialog).getByRole('button', { name: 'Mute' }))
    expect(await screen.findByText(/Dana Donor is muted until 4 Dec 2026, 12:00 UTC/)).toBeDefined()
    expect(calls.find((c) => c.method === 'POST')?.body).toEqual({
      userId: chatItem(1).userId,
      minutes: 1440,
    })
    await userEvent.click(screen.getByRole('button', { name: 'Unmute' }))
    await waitFor(() => expect(screen.queryByText(/is muted until/)).toBeNull())
    expect(calls.find((c) => c.method === 'DELETE')?.path).toBe(`${mutes}/${chatItem(1).userId}`)
  })

  test("offers no mute on the admin's own messages", async () => {
    const { ADMIN } = await import('../support')
    platform({
      [HISTORY]: {
        body: { items: [chatItem(1, { userId: ADMIN.user.id, userName: 'Ada Admin' })], nextBefore: null },
      },
    })
    renderPage(<CampaignDetailPage />, AT)
    await within(await screen.findByRole('log')).findByText('message 1')
    expect(screen.getByRole('button', { name: 'Delete message from Ada Admin' })).toBeDefined()
    expect(screen.queryByRole('button', { name: 'Mute Ada Admin' })).toBeNull()
  })

  test('reads a completed campaign as history only, with no socket', async () => {
    platform({ 'GET /api/campaigns/:id': { body: campaign({ status: 'COMPLETED' }) } })
    renderPage(<CampaignDetailPage />, AT)
    await within(await screen.findByRole('log')).findByText('message 1')
    expect(screen.getByText('The campaign is completed: its chat is read-only history.')).toBeDefined()
    expect(screen.queryByLabelText('Message')).toBeNull()
    expect(FakeWebSocket.instances).toHaveLength(0)
  })

  test('loads older history on demand', async () => {
    const calls = platform({
      [HISTORY]: (call) =>
        call.query.get('before') === '2'
          ? { body: { items: [chatItem(1, { message: 'the oldest' })], nextBefore: null } }
          : { body: { items: [chatItem(3), chatItem(2)], nextBefore: 2 } },
    })
    renderPage(<CampaignDetailPage />, AT)
    await userEvent.click(await screen.findByRole('button', { name: 'Load older messages' }))
    expect(await within(log()).findByText('the oldest')).toBeDefined()
    expect(
      calls
        .filter((c) => c.path.endsWith('/messages'))
        .at(-1)
        ?.query.get('before'),
    ).toBe('2')
    expect(screen.queryByRole('button', { name: 'Load older messages' })).toBeNull()
  })

  test('shows why the history cannot be read', async () => {
    platform({ [HISTORY]: problem(503, 'Service Unavailable', 'chat is down') })
    renderPage(<CampaignDetailPage />, AT)
    const chat = await screen.findByRole('region', { name: 'Live chat' })
    expect((await within(chat).findByRole('alert')).textContent).toContain('chat is down')
  })
})
