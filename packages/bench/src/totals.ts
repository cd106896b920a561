// The totals benchmark (issue 7): `bun packages/bench/src/totals.ts [--seconds=10]
// [--open-seconds=30] [--concurrency=64] [--generator=wrk|bun] [--log-level=warn] [--otel=on|off]`.
// Starts a throwaway database and vhost, the real totals service and the real gateway as
// processes, seeds campaigns through payment events, then measures GET /api/totals/{id} through
// the gateway at saturation and at 1,000 req/s offered while captures flow at 200/s, beside the
// same gateway proxying a trivial route, and the delay from a capture being published to its total
// showing on a server-sent event stream. Everything shares this machine's cores: the load
// generator, the gateway, the service, PostgreSQL and RabbitMQ.
import { availableParallelism } from 'node:os'
import {
  closedLoop,
  cpuSeconds,
  cpuSecondsOf,
  formatResult,
  type LoadResult,
  openLoop,
  percentile,
} from './totals-load'
import { startBenchPlatform } from './totals-platform'
import { watchVisibility } from './totals-visibility'
import { hasWrk, wrkLoad } from './totals-wrk'

const args = new Map(Bun.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const seconds = Number(args.get('seconds') ?? 10)
const openSeconds = Number(args.get('open-seconds') ?? 30)
const concurrency = Number(args.get('concurrency') ?? 64)
const generator = args.get('generator') ?? (hasWrk() ? 'wrk' : 'bun')
const logLevel = args.get('log-level') ?? 'warn'
const otel = (args.get('otel') ?? 'on') !== 'off'
const CAMPAIGNS = 200
const LIVE = 20
const EVENTS_PER_SECOND = 200
const OFFERED = 1000

console.log(
  `totals benchmark: ${availableParallelism()} cores, load by ${generator}, services log at ${logLevel}, ` +
    `OpenTelemetry SDK ${otel ? 'on' : 'OFF'}`,
)
const platform = await startBenchPlatform({ logLevel, otel })
const { gateway, totals, trivial, publisher } = platform
const pids = { gateway: gateway.proc.pid, totals: totals.proc.pid, trivial: trivial.pid }

/** CPU seconds of each process involved: ours by pid; PostgreSQL and RabbitMQ by name (all of them). */
const usage = () =>
  Promise.all([
    ...Object.values(pids).map(cpuSeconds),
    cpuSeconds(process.pid),
    cpuSecondsOf('postgres'),
    cpuSecondsOf('beam.smp'),
  ])
const usageNames = [...Object.keys(pids), 'bench process', 'postgres', 'rabbitmq']

/** Runs `work` and says how much of one core each process used meanwhile. */
async function withCpu(work: () => Promise<LoadResult>): Promise<[LoadResult, string]> {
  const before = await usage()
  const started = performance.now()
  const result = await work()
  const wall = (performance.now() - started) / 1000
  const after = await usage()
  const shares = usageNames.map(
    (name, index) => `${name} ${((((after[index] ?? 0) - (before[index] ?? 0)) / wall) * 100).toFixed(0)}%`,
  )
  if (result.generatorCpuSeconds !== undefined) {
    shares.push(`wrk ${((result.generatorCpuSeconds / wall) * 100).toFixed(0)}%`)
  }
  return [result, `cpu (% of one core): ${shares.join(', ')}`]
}

/**
 * Publishes captures at EVENTS_PER_SECOND on the live campaigns while `during` runs, after 2 s of
 * the same flow that is not measured (the service's pool reopens connections it closed while idle).
 */
async function capturesFlowing<T>(live: string[], during: () => Promise<T>) {
  const watch = await watchVisibility(gateway.url, live)
  let published = 0
  let measured = false
  // One capture every 5 ms (catching up if a timer fires late): a steady flow, not bursts.
  const started = performance.now()
  const flow = setInterval(() => {
    const due = Math.floor(((performance.now() - started) / 1000) * EVENTS_PER_SECOND)
    for (; published < due; published++) {
      const campaignId = live[published % live.length]!
      const amountCents = 100 + (published % 900)
      const at = performance.now()
      publisher.capture(campaignId, amountCents)
      watch.published(campaignId, amountCents, at, measured)
    }
  }, 1000 / EVENTS_PER_SECOND)
  await Bun.sleep(2000)
  measured = true
  const warmUp = published
  const result = await during()
  clearInterval(flow)
  await publisher.confirmed()
  const settle = Date.now() + 5000
  while (watch.outstanding() > 0 && Date.now() < settle) await Bun.sleep(20)
  watch.close()
  const delays = watch.delays().sort((a, b) => a - b)
  const line =
    `${delays.length}/${published - warmUp} seen, p50 ${percentile(delays, 50).toFixed(1)} ms, ` +
    `p99 ${percentile(delays, 99).toFixed(1)} ms, max ${(delays.at(-1) ?? Number.NaN).toFixed(1)} ms`
  return { result, line, p99: percentile(delays, 99), complete: watch.outstanding() === 0 }
}

try {
  const campaigns = Array.from({ length: CAMPAIGNS + LIVE }, () => crypto.randomUUID())
  for (const campaignId of campaigns) for (let i = 0; i < 5; i++) publisher.capture(campaignId, 1000 + i)
  await publisher.confirmed()
  for (let tries = 0; ; tries++) {
    const res = await fetch(`${gateway.url}/api/totals/${campaigns.at(-1)}`)
    if (((await res.json()) as { totalPledges: number }).totalPledges === 5) break
    if (tries > 500) throw new Error('seeding did not complete')
    await Bun.sleep(20)
  }
  const totalsUrls = (base: string) => campaigns.map((id) => `${base}/api/totals/${id}`)
  const trivialUrls = [`${gateway.url}/api/chat/ping`]
  const saturate = (label: string, urls: string[], runFor = seconds) => {
    if (generator === 'wrk') return wrkLoad(label, urls, { concurrency, seconds: runFor })
    let next = 0
    return closedLoop(label, () => urls[next++ % urls.length]!, { concurrency, seconds: runFor })
  }

  await saturate('warm-up', totalsUrls(gateway.url), 2)
  await saturate('warm-up', trivialUrls, 2)
  const results: [LoadResult, string][] = []
  results.push(await withCpu(() => saturate('GET /api/totals/{id} via gateway', totalsUrls(gateway.url))))
  results.push(await withCpu(() => saturate('GET trivial route via gateway', trivialUrls)))
  results.push(
    await withCpu(() => saturate('GET /api/totals/{id} direct (no gateway)', totalsUrls(totals.url))),
  )

  let next = 0
  const offeredUrls = totalsUrls(gateway.url)
  const offer = (label: string, runFor: number) =>
    withCpu(() =>
      openLoop(label, () => offeredUrls[next++ % offeredUrls.length]!, { rate: OFFERED, seconds: runFor }),
    )
  results.push(await offer(`GET /api/totals/{id} via gateway, ${OFFERED}/s, no events`, 10))

  const live = campaigns.slice(CAMPAIGNS)
  const quiet = await capturesFlowing(live, () => Bun.sleep(10_000))
  const busy = await capturesFlowing(live, () =>
    offer(`GET /api/totals/{id} via gateway, ${OFFERED}/s + captures`, openSeconds),
  )
  results.push(busy.result)

  console.log('')
  for (const [result, cpu] of results) console.log(`${formatResult(result)}\n${' '.repeat(46)}${cpu}`)
  console.log(`capture → visible (SSE via gateway), ${EVENTS_PER_SECOND}/s, no read load: ${quiet.line}`)
  console.log(
    `capture → visible (SSE via gateway), ${EVENTS_PER_SECOND}/s, during ${OFFERED} req/s: ${busy.line}`,
  )
  const [viaGateway, trivialRoute, , , offered] = results.map(([result]) => result) as LoadResult[]
  const ratio = viaGateway!.rate / trivialRoute!.rate
  const checks: [string, boolean][] = [
    [`saturation ≥ 0.7 × the trivial route (${ratio.toFixed(2)}×)`, ratio >= 0.7],
    ['saturation ≥ 10,000 req/s', viaGateway!.rate >= 10_000],
    [`p99 < 10 ms at ${OFFERED} req/s while captures flow`, offered!.p99 < 10],
    [`0 errors at ${OFFERED} req/s while captures flow`, offered!.errors === 0],
    ['capture → visible p99 ≤ 50 ms (during the read load)', busy.p99 <= 50 && busy.complete],
  ]
  console.log('')
  for (const [name, ok] of checks) console.log(`${ok ? 'met   ' : 'MISSED'} ${name}`)
} finally {
  await platform.stop()
}
