// The totals benchmark (issues 7 and 11): `bun packages/bench/src/totals.ts [--seconds=10]
// [--rounds=3] [--open-seconds=30] [--concurrency=50] [--threads=2] [--generator=wrk|bun]
// [--log-level=…] [--otel=off]`. Starts the platform exactly as the README does (`bun run dev`, on
// its own database, vhost and ports; what differs is printed), seeds campaigns through payment
// events, then measures GET /api/totals/{id} straight on totals-service and through the gateway,
// side by side, in alternating rounds: saturation (wrk), CPU per request of every process, and
// latency at 1,000 req/s offered; then the same read at 1,000 req/s while captures flow at 200/s,
// and the delay from a capture being published to its total showing on a server-sent event
// stream. Everything shares this machine's cores with the load generator (and with whatever else
// runs here: the machine's busy share outside the platform is printed with every figure).
import { availableParallelism } from 'node:os'
import { closedLoop, cpuSeconds, formatResult, type LoadResult, openLoop, percentile } from './totals-load'
import { type BenchPlatform, DIFFERENCES_FROM_README, startBenchPlatform } from './totals-platform'
import { watchVisibility } from './totals-visibility'
import { hasWrk, wrkLoad } from './totals-wrk'

const args = new Map(Bun.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const seconds = Number(args.get('seconds') ?? 10)
const rounds = Number(args.get('rounds') ?? 3)
const openSeconds = Number(args.get('open-seconds') ?? 30)
const concurrency = Number(args.get('concurrency') ?? 50)
const threads = Number(args.get('threads') ?? 2)
const generator = args.get('generator') ?? (hasWrk() ? 'wrk' : 'bun')
const CAMPAIGNS = 200
const LIVE = 20
const EVENTS_PER_SECOND = 200
const OFFERED = 1000

// Diagnostics only: the figures that count run the platform as the README does, with neither.
const diagnostics: Record<string, string> = {
  ...(args.has('log-level') ? { LOG_LEVEL: args.get('log-level')! } : {}),
  ...(args.get('otel') === 'off' ? { OTEL_SDK_DISABLED: 'true' } : {}),
}

const loadAverage = async () => (await Bun.file('/proc/loadavg').text()).split(' ').slice(0, 3).join(' ')

/** Busy and total jiffies of the whole machine. */
async function machineJiffies(): Promise<[number, number]> {
  const cpu = (await Bun.file('/proc/stat').text()).split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number)
  const total = cpu.reduce((sum, value) => sum + value, 0)
  return [total - (cpu[3] ?? 0) - (cpu[4] ?? 0), total]
}

interface Measured {
  result: LoadResult
  /** CPU seconds per process name over the run (the platform's, the generator's, this one's). */
  cpu: Map<string, number>
  /** Share of the machine busy with work outside the platform, the generator and this process. */
  outside: number
  load: string
}

/** CPU microseconds per answered request spent by the processes that served it and loaded it. */
const perRequestMicros = (m: Measured, names: string[]) =>
  names.reduce((sum, name) => sum + (m.cpu.get(name) ?? 0), 0) / Math.max(1, m.result.requests) / 1e-6

async function measure(platform: BenchPlatform, work: () => Promise<LoadResult>): Promise<Measured> {
  const pids = { ...platform.pids, 'bench process': process.pid }
  const usage = async () =>
    new Map(
      await Promise.all(
        Object.entries(pids).map(async ([name, pid]) => [name, (await cpuSeconds(pid)) ?? 0] as const),
      ),
    )
  const load = await loadAverage()
  const before = await usage()
  const [busy0, total0] = await machineJiffies()
  const result = await work()
  const [busy1, total1] = await machineJiffies()
  const after = await usage()
  const cpu = new Map([...after].map(([name, value]) => [name, value - (before.get(name) ?? 0)]))
  if (result.generatorCpuSeconds !== undefined) cpu.set('wrk', result.generatorCpuSeconds)
  const ours = [...cpu.values()].reduce((sum, value) => sum + value, 0)
  // Jiffies are 1/100 s of one core; the machine's total counts every core.
  const machineSeconds = (total1 - total0) / 100
  const outside = Math.max(0, (busy1 - busy0) / 100 - ours) / Math.max(0.001, machineSeconds)
  return { result, cpu, outside, load }
}

function describe(m: Measured): string {
  const names = ['gateway', 'bare proxy', 'totals', 'dev runner', 'wrk', 'bench process'].filter(
    (name) => perRequestMicros(m, [name]) >= 1,
  )
  const parts = names.map((name) => `${name} ${perRequestMicros(m, [name]).toFixed(0)}`)
  return (
    `${formatResult(m.result)}\n${' '.repeat(46)}CPU µs/request: ${parts.join(', ')}; ` +
    `load ${m.load}, machine busy outside the platform ${(m.outside * 100).toFixed(0)}%`
  )
}

/**
 * Publishes captures at EVENTS_PER_SECOND on the live campaigns while `during` runs, after 2 s of
 * the same flow that is not measured (the service's pool reopens connections it closed while idle).
 */
async function capturesFlowing<T>(platform: BenchPlatform, live: string[], during: () => Promise<T>) {
  const watch = await watchVisibility(platform.gatewayUrl, live)
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
      platform.publisher.capture(campaignId, amountCents)
      watch.published(campaignId, amountCents, at, measured)
    }
  }, 1000 / EVENTS_PER_SECOND)
  await Bun.sleep(2000)
  measured = true
  const warmUp = published
  const result = await during()
  clearInterval(flow)
  await platform.publisher.confirmed()
  const settle = Date.now() + 5000
  while (watch.outstanding() > 0 && Date.now() < settle) await Bun.sleep(20)
  watch.close()
  const delays = watch.delays().sort((a, b) => a - b)
  const line =
    `${delays.length}/${published - warmUp} seen, p50 ${percentile(delays, 50).toFixed(1)} ms, ` +
    `p99 ${percentile(delays, 99).toFixed(1)} ms, max ${(delays.at(-1) ?? Number.NaN).toFixed(1)} ms`
  return { result, line, p99: percentile(delays, 99), complete: watch.outstanding() === 0 }
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2
}

console.log(
  `totals benchmark: ${availableParallelism()} cores, load average ${await loadAverage()}, load by ${generator}` +
    (generator === 'wrk' ? ` (-t${threads} -c${concurrency})` : ` (${concurrency} in flight)`) +
    `; the platform as \`bun run dev\` starts it, tracing on, except:`,
)
for (const difference of DIFFERENCES_FROM_README) console.log(`  - ${difference}`)
for (const [name, value] of Object.entries(diagnostics)) console.log(`  - DIAGNOSTIC: ${name}=${value}`)

const platform = await startBenchPlatform(diagnostics)
try {
  const campaigns = Array.from({ length: CAMPAIGNS + LIVE }, () => crypto.randomUUID())
  for (const campaignId of campaigns)
    for (let i = 0; i < 5; i++) platform.publisher.capture(campaignId, 1000 + i)
  await platform.publisher.confirmed()
  for (let tries = 0; ; tries++) {
    const res = await fetch(`${platform.gatewayUrl}/api/totals/${campaigns.at(-1)}`)
    if (((await res.json()) as { totalPledges: number }).totalPledges === 5) break
    if (tries > 500) throw new Error('seeding did not complete')
    await Bun.sleep(20)
  }
  const urls = {
    direct: campaigns.map((id) => `${platform.totalsUrl}/api/totals/${id}`),
    gateway: campaigns.map((id) => `${platform.gatewayUrl}/api/totals/${id}`),
    bare: campaigns.map((id) => `${platform.bareProxyUrl}/api/totals/${id}`),
  }
  const saturate = (label: string, list: string[], runFor = seconds) => {
    if (generator === 'wrk') return wrkLoad(label, list, { concurrency, seconds: runFor, threads })
    let next = 0
    return closedLoop(label, () => list[next++ % list.length]!, { concurrency, seconds: runFor })
  }
  const offer = (label: string, list: string[], runFor: number) => {
    let next = 0
    return openLoop(label, () => list[next++ % list.length]!, { rate: OFFERED, seconds: runFor })
  }

  // The JIT needs a while before each process's code is at its fastest.
  await saturate('warm-up', urls.direct, 5)
  await saturate('warm-up', urls.gateway, 5)
  await saturate('warm-up', urls.bare, 3)

  const runs: Record<'direct' | 'gateway' | 'bare', Measured[]> = { direct: [], gateway: [], bare: [] }
  const offered: Record<'direct' | 'gateway', Measured[]> = { direct: [], gateway: [] }
  const lines: string[] = []
  // Alternating rounds, so a neighbour's burst of work on this machine hits both sides alike.
  for (let round = 1; round <= rounds; round++) {
    for (const side of ['direct', 'gateway', 'bare'] as const) {
      const label = `${{ direct: 'direct (totals-service)', gateway: 'via gateway', bare: 'via bare Bun proxy (floor)' }[side]} saturation #${round}`
      const m = await measure(platform, () => saturate(label, urls[side]))
      runs[side].push(m)
      lines.push(describe(m))
    }
  }
  for (const side of ['direct', 'gateway'] as const) {
    const label = `${side === 'direct' ? 'direct (totals-service)' : 'via gateway'} ${OFFERED}/s offered`
    const m = await measure(platform, () => offer(label, urls[side], 10))
    offered[side].push(m)
    lines.push(describe(m))
  }
  const live = campaigns.slice(CAMPAIGNS)
  const quiet = await capturesFlowing(platform, live, () => Bun.sleep(10_000))
  const busy = await capturesFlowing(platform, live, () =>
    measure(platform, () => offer(`via gateway ${OFFERED}/s + captures`, urls.gateway, openSeconds)),
  )
  lines.push(describe(busy.result))

  console.log('')
  for (const line of lines) console.log(line)
  console.log(`capture → visible (SSE via gateway), ${EVENTS_PER_SECOND}/s, no read load: ${quiet.line}`)
  console.log(
    `capture → visible (SSE via gateway), ${EVENTS_PER_SECOND}/s, during ${OFFERED} req/s: ${busy.line}`,
  )

  // Side by side: the median round of each, and what a request cost the machine either way.
  const servedBy = { direct: ['totals', 'dev runner'], gateway: ['gateway', 'totals', 'dev runner'] }
  const summary = (side: 'direct' | 'gateway') => {
    const rate = median(runs[side].map((m) => m.result.rate))
    const p50 = median(runs[side].map((m) => m.result.p50))
    const p99 = median(runs[side].map((m) => m.result.p99))
    const cpu = median(runs[side].map((m) => perRequestMicros(m, servedBy[side])))
    const at1000 = offered[side][0]!.result
    return { rate, p50, p99, cpu, at1000 }
  }
  const direct = summary('direct')
  const gateway = summary('gateway')
  const gatewayOnly = median(runs.gateway.map((m) => perRequestMicros(m, ['gateway'])))
  const bareOnly = median(runs.bare.map((m) => perRequestMicros(m, ['bare proxy'])))
  const bareRate = median(runs.bare.map((m) => m.result.rate))
  const totalsDirect = median(runs.direct.map((m) => perRequestMicros(m, ['totals'])))
  console.log('')
  console.log(`side by side (median of ${rounds} saturation rounds each):`)
  for (const [name, s] of [
    ['direct ', direct],
    ['gateway', gateway],
  ] as const) {
    console.log(
      `  ${name} ${s.rate.toFixed(0).padStart(6)} req/s  p50 ${s.p50.toFixed(2)} ms  p99 ${s.p99.toFixed(2)} ms` +
        `  |  at ${OFFERED}/s: p50 ${s.at1000.p50.toFixed(2)} ms  p99 ${s.at1000.p99.toFixed(2)} ms` +
        `  |  ${s.cpu.toFixed(0)} µs of CPU per request (services + dev runner)`,
    )
  }
  console.log(
    `  the gateway's own CPU per proxied request: ${gatewayOnly.toFixed(0)} µs, ` +
      `totals-service's per direct request ${totalsDirect.toFixed(0)} µs; ` +
      `the floor, a bare Bun.serve + fetch proxy: ${bareOnly.toFixed(0)} µs and ${bareRate.toFixed(0)} req/s ` +
      `(${(bareRate / direct.rate).toFixed(2)}× direct)`,
  )

  const ratio = gateway.rate / direct.rate
  const costRatio = gateway.cpu / direct.cpu
  const busyRead = busy.result.result
  const checks: [string, boolean][] = [
    [`a proxied request costs ≤ ~2× a direct one (${costRatio.toFixed(2)}×)`, costRatio <= 2],
    [`through the gateway ≥ 0.7× direct (${ratio.toFixed(2)}×)`, ratio >= 0.7],
    [`through the gateway ≥ 10,000 req/s (${gateway.rate.toFixed(0)})`, gateway.rate >= 10_000],
    [
      `p99 < 10 ms at ${OFFERED} req/s via the gateway (${gateway.at1000.p99.toFixed(2)} ms)`,
      gateway.at1000.p99 < 10,
    ],
    [
      `p99 < 10 ms and 0 errors at ${OFFERED} req/s via the gateway while captures flow (${busyRead.p99.toFixed(2)} ms, ${busyRead.errors} errors)`,
      busyRead.p99 < 10 && busyRead.errors === 0,
    ],
    ['capture → visible p99 ≤ 50 ms (during the read load)', busy.p99 <= 50 && busy.complete],
  ]
  console.log('')
  for (const [name, ok] of checks) console.log(`${ok ? 'met   ' : 'MISSED'} ${name}`)
} finally {
  await platform.stop()
}
