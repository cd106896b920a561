// Pledges per second from creation to CAPTURED through the gateway and the sandbox, the whole
// platform running as `bun run dev` starts it. Prints throughput, p50/p99 creation → CAPTURED and
// the time spent in each stage, so the bottleneck has a name. Target: ≥ 200 pledges/s.
// Run: bun packages/bench/src/pledges.ts [--rate=250] [--seconds=10] [--warmup=0]: the default
// offers more than the machine can take (throughput at saturation); a lower rate shows the latency
// of a pledge when nothing queues. The warm-up pledges (on another campaign, not measured) let the
// services' JIT compile the hot paths first, as in a platform that has been running for a while.
import { createTestResources } from '@careforall/db/testing'
import { PlatformClient, startPlatform } from '@careforall/e2e'
import postgres from 'postgres'
import { shares, snapshot } from './cpu'
import { atRate, percentile } from './stats'

const args = new Map(Bun.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const OFFERED_PER_SECOND = Number(args.get('rate') ?? 250)
const SECONDS = Number(args.get('seconds') ?? 10)
const WARMUP = Number(args.get('warmup') ?? 0)

const world = await createTestResources()
const platform = await startPlatform(world, {
  env: { DEV_SEED: 'false', LOG_LEVEL: 'warn', DATABASE_POOL_MAX: '10' },
})
const sql = postgres(world.adminUrl, { max: 2, onnotice: () => undefined })
try {
  const api = new PlatformClient(platform.gateway)
  const owner = await api.register('bench-owner')
  const campaignId = await api.activeCampaign(owner.token)

  /** Offers `total` pledges at `rate` per second (open loop), then waits until they are CAPTURED. */
  const offer = async (campaignId: string, rate: number, total: number) => {
    const started = performance.now()
    const statuses = await atRate(rate, total, (i) =>
      api
        .call('POST', '/api/pledges', {
          headers: { 'idempotency-key': `bench-${campaignId}-${i}` },
          body: { campaignId, amount: 5, donorEmail: `bench${i}@example.com` },
        })
        .then((res) => res.status),
    )
    const sendSeconds = (performance.now() - started) / 1000
    const errors = statuses.filter((s) => s !== 201).length
    const deadline = Date.now() + 180_000
    while (Date.now() < deadline) {
      const [row] = await sql<
        { n: number }[]
      >`select count(*)::int as n from pledge.pledges where campaign_id = ${campaignId} and state = 'CAPTURED'`
      if (row!.n >= total - errors) break
      await Bun.sleep(250)
    }
    return { sendSeconds, errors }
  }

  if (WARMUP > 0) await offer(await api.activeCampaign(owner.token), 50, WARMUP)
  const total = OFFERED_PER_SECOND * SECONDS
  const cpuBefore = await snapshot()
  const { sendSeconds, errors } = await offer(campaignId, OFFERED_PER_SECOND, total)
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
  // Work per pledge, independent of how busy the machine was: the figure to compare changes by.
  const perPledge = (seconds: number) => `${((seconds * 1000) / done.length).toFixed(1)}`
  const spent = [...cpu.seconds].sort((a, b) => b[1] - a[1])
  console.log(
    `  cpu per pledge: ${perPledge(spent.reduce((sum, [, s]) => sum + s, 0))} ms (${spent
      .filter(([, s]) => s > 0)
      .map(([group, s]) => `${group} ${perPledge(s)}`)
      .join(', ')})`,
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
