import { devEnv } from './env'

/**
 * Demo data through the public API, as a user would create it, so every row has its events:
 * the admin (the auth service creates it from ADMIN_EMAIL/ADMIN_PASSWORD at start) signs in and
 * creates a few campaigns unless some exist. Returns one line for the closing summary: what is
 * there, or what was skipped and why.
 */
export async function seedDemoData(gateway: string): Promise<string> {
  const login = await fetch(`${gateway}/api/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email: devEnv.ADMIN_EMAIL, password: devEnv.ADMIN_PASSWORD }),
  }).catch(() => undefined)
  if (!login || login.status === 404) return 'skipped (the auth endpoints are not built yet)'
  if (!login.ok) return `skipped (admin login answered ${login.status})`
  const { accessToken } = (await login.json()) as { accessToken: string }
  const auth = { authorization: `Bearer ${accessToken}`, 'content-type': 'application/json' }
  const existing = await fetch(`${gateway}/api/campaigns?limit=1`, { headers: auth })
  if (existing.status === 404)
    return 'admin ready; campaigns skipped (the campaign endpoints are not built yet)'
  const { items } = (await existing.json()) as { items: unknown[] }
  if (items.length > 0) return `${await activeCampaigns(gateway, auth)} (already there)`
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
  const problems: string[] = []
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
      problems.push(`creating "${campaign.title}" answered ${created.status}`)
      continue
    }
    const { id } = (await created.json()) as { id: string }
    await fetch(`${gateway}/api/campaigns/${id}`, {
      method: 'PATCH',
      headers: auth,
      body: JSON.stringify({ status: 'ACTIVE' }),
    })
  }
  return `${await activeCampaigns(gateway, auth)} (created now${problems.length ? `; ${problems.join('; ')}` : ''})`
}

/** `3 active campaigns: Clean water for Rangpur, …` */
async function activeCampaigns(gateway: string, headers: Record<string, string>): Promise<string> {
  const res = await fetch(`${gateway}/api/campaigns?status=ACTIVE&limit=10`, { headers })
  if (!res.ok) return `campaigns could not be listed (${res.status})`
  const { items, nextCursor } = (await res.json()) as {
    items: { title: string }[]
    nextCursor?: string | null
  }
  const count = `${items.length}${nextCursor ? '+' : ''} active campaign${items.length === 1 ? '' : 's'}`
  return items.length ? `${count}: ${items.map((c) => c.title).join(', ')}` : count
}

// The compose stack's one-shot `seed` service (the setup image): waits for the gateway to be
// ready, then seeds as `bun run dev` does. GATEWAY_URL: where the gateway answers.
if (import.meta.main) {
  if (!devEnv.DEV_SEED) {
    console.log('demo data: not seeded (DEV_SEED=false)')
    process.exit(0)
  }
  const gateway = devEnv.GATEWAY_URL.replace(/\/$/, '')
  const deadline = Date.now() + 300_000
  const ready = async () =>
    fetch(`${gateway}/ready`, { signal: AbortSignal.timeout(2_000) })
      .then((res) => res.ok)
      .catch(() => false)
  while (!(await ready())) {
    if (Date.now() > deadline) {
      console.error(`seed: the gateway at ${gateway} was not ready within 5 minutes`)
      process.exit(1)
    }
    await Bun.sleep(1_000)
  }
  const result = await seedDemoData(gateway)
  console.log(`demo data: ${result}`)
  if (result.startsWith('skipped') || result.includes('could not')) process.exit(1)
}
