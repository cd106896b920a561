import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import {
  axeViolations,
  eventually,
  launchBrowser,
  PlatformClient,
  type RunningPlatform,
  screenshot,
  startPlatform,
} from '../src'

// The admin panel in Debian's Chromium against the platform as the README starts it (the
// gateway serving the panel's build at /admin), doing what an admin does: sign in, create and
// activate a campaign, watch a pledge made through the API raise its total live, refund part of
// it and watch the total fall, moderate the chat, disable a user. Every main page is scanned
// with axe-core and kept as a screenshot.
const FAST = {
  LOG_LEVEL: 'warn',
  WEBHOOK_APPLY_INTERVAL_MS: '200',
  PROVIDER_RETRY_BASE_MS: '100',
  SANDBOX_POLL_MS: '50',
  SANDBOX_RETRY_BASE_MS: '100',
  SANDBOX_RETRY_MAX_MS: '500',
}
const ADMIN = { email: 'admin@careforall.dev', password: 'change-me-admin-password' }

let world: TestResources
let platform: RunningPlatform
let api: PlatformClient
let browser: Browser
let context: BrowserContext
let page: Page
let adminToken: string
const pageErrors: string[] = []
const state: { campaignId?: string; pledgeId?: string } = {}

beforeAll(async () => {
  world = await createTestResources()
  ;[platform, browser] = await Promise.all([
    startPlatform(world, { env: { ...FAST, DEV_SEED: 'false' } }),
    launchBrowser(),
  ])
  api = new PlatformClient(platform.gateway)
  adminToken = await api.login(ADMIN.email, ADMIN.password)
  context = await browser.newContext({ viewport: { width: 1366, height: 900 } })
  page = await context.newPage()
  page.on('pageerror', (error) => pageErrors.push(error.message))
}, 180_000)

afterAll(async () => {
  await browser?.close()
  await platform?.stop()
  await world?.cleanup()
}, 60_000)

const url = (path: string) => `${platform.gateway}/admin${path}`
const heading = (p: Page, name: string | RegExp) => p.getByRole('heading', { level: 1, name })
const dialog = (p: Page) => p.getByRole('dialog')

/** Serious and critical axe-core violations of the page as it is now, after `ready` shows. */
async function scan(name: string): Promise<string[]> {
  await screenshot(page, name)
  return (await axeViolations(page))
    .filter((v) => v.impact === 'serious' || v.impact === 'critical')
    .map((v) => `${name}: ${v.id} (${v.help}) at ${v.targets.slice(0, 3).join(', ')}`)
}

async function totalOf(campaignId: string): Promise<number> {
  const res = await api.call<{ totalAmount: number }>('GET', `/api/totals/${campaignId}`)
  return res.body.totalAmount
}

describe('the admin panel in a real browser', () => {
  it('refuses a donor clearly, and signs an admin in', async () => {
    const donor = await api.register('not-an-admin')
    const me = await api.call<{ email: string }>('GET', '/api/auth/me', { token: donor.token })
    const other = await browser.newContext()
    const donorPage = await other.newPage()
    await donorPage.goto(url('/'))
    await donorPage.waitForURL(/\/admin\/sign-in$/)
    await donorPage.getByLabel('Email').fill(me.body.email)
    await donorPage.getByLabel('Password').fill('correct horse battery staple')
    await donorPage.getByRole('button', { name: 'Sign in' }).click()
    await expect(donorPage.getByRole('alert').textContent()).resolves.toContain('not an admin')
    await other.close()

    await page.goto(url('/campaigns'))
    await page.waitForURL(/\/admin\/sign-in$/)
    expect(await scan('sign-in')).toEqual([])
    await page.getByLabel('Email').fill(ADMIN.email)
    await page.getByLabel('Password').fill(ADMIN.password)
    await page.getByRole('button', { name: 'Sign in' }).click()
    // Back where the admin was going.
    await heading(page, 'Campaigns').waitFor()
    expect(page.url()).toEndWith('/admin/campaigns')
  }, 60_000)

  it('creates a campaign with the form and activates it', async () => {
    await page.getByRole('link', { name: 'New campaign' }).click()
    await heading(page, 'New campaign').waitFor()
    const at = (ms: number) => new Date(Date.now() + ms).toISOString().slice(0, 16)
    await page.getByLabel('Title').fill('Browser test: wells for Khulna')
    await page.getByLabel('Description').fill('Made in Chromium by the end-to-end suite.')
    await page.getByLabel('Goal (USD)').fill('1000')
    await page.getByLabel('Starts (UTC)').fill(at(-3_600_000))
    await page.getByLabel('Ends (UTC)').fill(at(30 * 86_400_000))
    await page.getByRole('button', { name: 'Create campaign' }).click()
    await heading(page, 'Browser test: wells for Khulna').waitFor()
    state.campaignId = /\/campaigns\/([0-9a-f-]{36})$/.exec(page.url())?.[1]
    expect(state.campaignId).toBeDefined()

    await page.getByRole('button', { name: 'Activate' }).click()
    await dialog(page).getByRole('button', { name: 'Activate' }).click()
    await eventually(
      async () =>
        (await api.call<{ status: string }>('GET', `/api/campaigns/${state.campaignId}`)).body.status,
      (status) => status === 'ACTIVE',
      10_000,
    )
    await page.getByRole('button', { name: 'Pause' }).waitFor()
  }, 60_000)

  it('shows a pledge made through the API in the live total, without a reload', async () => {
    await page.getByText('Live', { exact: true }).waitFor()
    const raised = page.locator('.raised .value')
    expect(await raised.textContent()).toBe('$0.00')
    const created = await api.call<{ id: string }>('POST', '/api/pledges', {
      headers: { 'idempotency-key': crypto.randomUUID() },
      body: { campaignId: state.campaignId, amount: 40, donorEmail: 'guest@example.com', donorName: 'Guest' },
    })
    expect(created.status).toBe(201)
    state.pledgeId = created.body.id
    // The stream pushes the new total: the page is never reloaded.
    await page.waitForFunction(
      () => document.querySelector('.raised .value')?.textContent === '$40.00',
      undefined,
      { timeout: 30_000 },
    )
    expect(await totalOf(state.campaignId!)).toBe(40)
    expect(await scan('campaign')).toEqual([])
  }, 60_000)

  it('refunds part of the pledge from its page, and the total falls by as much', async () => {
    await page.goto(url(`/pledges/${state.pledgeId}`))
    await page.getByRole('button', { name: 'Refund' }).waitFor({ timeout: 20_000 })
    expect(await scan('pledge')).toEqual([])
    await page.getByRole('button', { name: 'Refund' }).click()
    await dialog(page).getByLabel('Part of it').check()
    await dialog(page).getByLabel('Amount (USD)').fill('15')
    // A double click: one refund, whatever the panel sends.
    await dialog(page).getByRole('button', { name: 'Refund' }).dblclick()
    await page
      .getByText(/Refund of \$15\.00 requested/)
      .first()
      .waitFor({ timeout: 20_000 })
    expect(
      await eventually(
        () => totalOf(state.campaignId!),
        (total) => total === 25,
      ),
    ).toBe(25)
    const payments = await api.call<{ items: { refundedAmount: number }[] }>(
      'GET',
      `/api/payments?pledgeId=${state.pledgeId}`,
      { token: adminToken },
    )
    expect(payments.body.items[0]?.refundedAmount).toBe(15)

    await page.goto(url(`/campaigns/${state.campaignId}`))
    await page.waitForFunction(() => document.querySelector('.raised .value')?.textContent === '$25.00')
  }, 60_000)

  it("removes a donor's chat message for everyone", async () => {
    const donor = await api.register('chatty')
    const socket = new WebSocket(
      `${platform.gateway.replace('http', 'ws')}/api/chat/campaigns/${state.campaignId}/ws?token=${donor.token}`,
    )
    const frames: string[] = []
    socket.onmessage = (event) => frames.push(String(event.data))
    await new Promise((resolve, reject) => {
      socket.onopen = resolve
      socket.onerror = reject
    })
    // "Connected", perhaps followed by a notice ("· Administrator joined the chat").
    await page.locator('.chat-state', { hasText: /^Connected/ }).waitFor({ timeout: 15_000 })
    socket.send(JSON.stringify({ message: '<b>hello</b> from a donor' }))
    // The donor's own copy comes back first: the message is in the room.
    await eventually(
      async () => frames,
      (seen) => seen.some((frame) => frame.includes('"type":"message"') || frame.includes('"type":"error"')),
      10_000,
    )
    expect(frames.filter((frame) => frame.includes('"type":"error"'))).toEqual([])
    const log = page.getByRole('log', { name: 'Messages' })
    // Shown as text, never as HTML.
    await log.getByText('<b>hello</b> from a donor').waitFor({ timeout: 15_000 })
    await page.getByRole('button', { name: 'Delete message from chatty' }).click()
    await dialog(page).getByRole('button', { name: 'Delete message' }).click()
    await log.getByText('<b>hello</b> from a donor').waitFor({ state: 'detached', timeout: 15_000 })
    socket.close()
    const history = await api.call<{ items: { deleted: boolean }[] }>(
      'GET',
      `/api/chat/campaigns/${state.campaignId}/messages`,
    )
    expect(history.body.items.map((m) => m.deleted)).toEqual([true])
  }, 60_000)

  it('disables a user, who can then no longer sign in', async () => {
    const email = `to-disable.${Date.now()}@example.com`
    const registered = await api.call('POST', '/api/auth/register', {
      body: { email, password: 'correct horse battery staple', name: 'Dee Sable' },
    })
    expect(registered.status).toBe(201)
    await page.goto(url('/users'))
    await page.getByRole('searchbox', { name: 'Search' }).fill(email)
    await page.getByRole('button', { name: 'Search', exact: true }).click()
    await page.getByRole('button', { name: 'Disable Dee Sable' }).click()
    await dialog(page)
      .getByRole('button', { name: /Disable/ })
      .click()
    await page.getByRole('button', { name: 'Enable Dee Sable' }).waitFor()
    const login = await api.call('POST', '/api/auth/login', {
      body: { email, password: 'correct horse battery staple' },
    })
    expect(login.status).toBeGreaterThanOrEqual(400)
    expect(await scan('users')).toEqual([])
  }, 60_000)

  it('every other main page loads its data and has no serious accessibility violation', async () => {
    const pages: [string, string, string][] = [
      ['/', 'Overview', 'overview'],
      ['/campaigns', 'Campaigns', 'campaigns'],
      ['/pledges', 'Pledges', 'pledges'],
      ['/payments', 'Payments', 'payments'],
      ['/audit', 'Audit log', 'audit'],
      ['/analytics', 'Analytics', 'analytics'],
    ]
    const found: string[] = []
    for (const [path, title, name] of pages) {
      await page.goto(url(path))
      await heading(page, title).waitFor()
      await page.waitForFunction(() => !document.querySelector('[role="status"].state-loading'), undefined, {
        timeout: 15_000,
      })
      expect(await page.locator('.state-error').count()).toBe(0)
      // The charts load in their own chunk: scan them drawn, not before.
      if (name === 'analytics') await page.locator('.recharts-surface').first().waitFor()
      found.push(...(await scan(name)))
    }
    // At a tablet's width too.
    await page.setViewportSize({ width: 820, height: 1100 })
    await page.goto(url(`/campaigns/${state.campaignId}`))
    await page.getByText('Live', { exact: true }).waitFor()
    found.push(...(await scan('campaign-tablet')))
    expect(found).toEqual([])
    // The audit log shows the admin's refund and the user's disabling.
    await page.setViewportSize({ width: 1366, height: 900 })
    await page.goto(url('/audit'))
    const log = page.getByRole('table', { name: 'Audit log' })
    await log.getByText('payment.refunded').first().waitFor({ timeout: 15_000 })
    await log.getByText('user.disabled').first().waitFor()
    expect(pageErrors).toEqual([])
  }, 90_000)
})
