// Pledges per second from creation to CAPTURED through the gateway and the sandbox, the whole
// platform running as `bun run dev` starts it. Prints throughput, p50/p99 creation → CAPTURED and
// the time spent in each stage, so the bottleneck has a name. Target: ≥ 200 pledges/s.
// Run: bun packages/bench/src/pledges.ts
import { createTestResources } from '@careforall/db/testing'
import { PlatformClient, startPlatform } from '@careforall/e2e'
import postgres from 'postgres'
import { shares, snapshot } from './cpu'
import { percentile } from './stats'

const OFFERED_PER_SECOND = 250
const SECONDS = 10

const world = await createTestResources()
const platform = await startPlatform(world, {
  env: { DEV_SEED: 'false', LOG_LEVEL: 'warn', SANDBOX_POLL_MS: '20', DATABASE_POOL_MAX: '10' },
})
const sql = postgres(world.adminUrl, { max: 2, onnotice: () => undefined })
try {
  const api = new PlatformClient(platform.gateway)
  const owner = await api.register('bench-owner')
  const campaignId = await api.activeCampaign(owner.token)

  // Offer pledges at a steady rate (open loop): a slow platform shows as latency, not as fewer requests.
  const total = OFFERED_PER_SECOND * SECONDS
  const cpuBefore = await snapshot()
  const started = performance.now()
  const requests: Promise<number>[] = []
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / OFFERED_PER_SECOND
    const wait = due - performance.now()
    if (wait > 1) await Bun.sleep(wait)
    requests.push(
      api
        .call('POST', '/api/pledges', {
          headers: { 'idempotency-key': `bench-${i}-${started}` },
          body: { campaignId, amount: 5, donorEmail: `bench${i}@example.com` },
        })
        .then((res) => res.status),
    )
  }
  const statuses = await Promise.all(requests)
  const sendSeconds = (performance.now() - started) / 1000
  const errors = statuses.filter((s) => s !== 201).length

  const deadline = Date.now() + 180_000
  let captured = 0
  while (Date.now() < deadline) {
    const [row] = await sql<
      { n: number }[]
    >`select count(*)::int as n from pledge.pledges where campaign_id = ${campaignId} and state = 'CAPTURED'`
    captured = row!.n
    if (captured >= total - errors) break
    await Bun.sleep(250)
  }
  const cpu = shares(cpuBefore, await snapshot())

  const stages = await sql<{ created: Date; authorized: Date | null; captured: Date | null }[]>`
    select p.created_at as created,
           (select at from pledge.pledge_state_history h where h.pledge_id = p.id and h.to_state = 'AUTHORIZED') as authorized,
           (select at from pledge.pledge_state_history h where h.pledge_id = p.id and h.to_state = 'CAPTURED') as captured
    from pledge.pledges p where p.campaign_id = ${campaignId}`
  const done = stages.filter((s) => s.captured && s.authorized)
  const ms = (a: Date, b: Date) => b.getTime() - a.getTime()
  const endToEnd = done.map((s) => ms(s.created, s.captured!)).sort((a, b) => a - b)
  const toAuthorized = done.map((s) => ms(s.created, s.authorized!)).sort((a, b) => a - b)
  const toCaptured = done.map((s) => ms(s.authorized!, s.captured!)).sort((a, b) => a - b)
  const first = Math.min(...done.map((s) => s.created.getTime()))
  const last = Math.max(...done.map((s) => s.captured!.getTime()))
  const rate = done.length / ((last - first) / 1000)
  const fmt = (xs: number[]) =>
    `p50 ${percentile(xs, 50).toFixed(0)} ms, p99 ${percentile(xs, 99).toFixed(0)} ms`

  console.log(
    `pledges: ${OFFERED_PER_SECOND}/s offered for ${SECONDS} s through the gateway (${sendSeconds.toFixed(1)} s to send)`,
  )
  console.log(`  created ${total - errors}/${total} (errors ${errors}), captured ${done.length}`)
  console.log(`  throughput creation → CAPTURED: ${rate.toFixed(1)} pledges/s (target ≥ 200)`)
  console.log(`  creation → CAPTURED:   ${fmt(endToEnd)}`)
  console.log(
    `  creation → AUTHORIZED: ${fmt(toAuthorized)}  (pledge.created → payment → sandbox authorize → webhook → payment.authorized → pledge)`,
  )
  console.log(
    `  AUTHORIZED → CAPTURED: ${fmt(toCaptured)}  (capture call → sandbox → webhook → payment.captured → pledge)`,
  )
  const slower = percentile(toAuthorized, 50) > percentile(toCaptured, 50) ? 'authorization' : 'capture'
  const pct = (share: number) => `${(share * 100).toFixed(0)}%`
  console.log(
    `  cpu, share of all cores from the first POST to the last capture: ${cpu.groups
      .map(([group, share]) => `${group} ${pct(share)}`)
      .join(', ')}; idle ${pct(cpu.idle)}`,
  )
  const [busiest] = cpu.groups
  console.log(
    cpu.idle < 0.1
      ? `  bottleneck: the machine's CPU (idle ${pct(cpu.idle)}; ${busiest?.[0]} uses the most), queueing in the ${slower} leg`
      : `  bottleneck: the ${slower} leg dominates while the CPU is ${pct(cpu.idle)} idle: a wait, not the CPU`,
  )
} finally {
  await sql.end()
  await platform.stop()
  await world.cleanup()
}
