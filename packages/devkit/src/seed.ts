import { devEnv } from './env'

/**
 * Demo data through the public API, as a user would create it, so every row has its events:
 * the admin (the auth service creates it from ADMIN_EMAIL/ADMIN_PASSWORD at start) signs in and
 * creates a few campaigns unless some exist. Needs the auth and campaign endpoints; until a
 * service has them, this says what it skipped.
 */
export async function seedDemoData(gateway: string): Promise<void> {
  const login = await fetch(`${gateway}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: devEnv.ADMIN_EMAIL, password: devEnv.ADMIN_PASSWORD }),
  }).catch(() => undefined)
  if (!login || login.status === 404) {
    console.log('seed: skipped (the auth endpoints are not built yet)')
    return
  }
  if (!login.ok) {
    console.log(`seed: skipped (admin login answered ${login.status})`)
    return
  }
  const { accessToken } = (await login.json()) as { accessToken: string }
  const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }
  const existing = await fetch(`${gateway}/api/campaigns?limit=1`, { headers: auth })
  if (existing.status === 404) {
    console.log('seed: admin ready; campaigns skipped (the campaign endpoints are not built yet)')
    return
  }
  const { items } = (await existing.json()) as { items: unknown[] }
  if (items.length > 0) {
    console.log('seed: demo data already there')
    return
  }
  const now = Date.now()
  const day = 86_400_000
  const campaigns = [
    {
      title: 'Clean water for Rangpur',
      description: 'Tube wells for six villages in northern Bangladesh.',
      goalAmount: 25000,
    },
    {
      title: 'Flood relief kits',
      description: 'Food, water purification tablets and tarpaulins for flooded families.',
      goalAmount: 10000,
    },
    {
      title: 'School books for Sylhet',
      description: 'A year of textbooks for 400 primary school children.',
      goalAmount: 4000,
    },
  ]
  for (const campaign of campaigns) {
    const created = await fetch(`${gateway}/api/campaigns`, {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({
        ...campaign,
        startDate: new Date(now - day).toISOString(),
        endDate: new Date(now + 60 * day).toISOString(),
      }),
    })
    if (!created.ok) {
      console.log(`seed: creating "${campaign.title}" answered ${created.status}`)
      continue
    }
    const { id } = (await created.json()) as { id: string }
    await fetch(`${gateway}/api/campaigns/${id}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ status: 'ACTIVE' }),
    })
  }
  console.log(`seed: ${campaigns.length} demo campaigns created`)
}
