import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { freePort } from '@careforall/devkit/testing'
import { eventually, PlatformClient, type RunningPlatform, startPlatform } from '@careforall/e2e'
import { parse, stringify } from 'yaml'

// The real Prometheus, Alertmanager and node-exporter (Debian's packages, installed by .ci/run)
// against the platform as `bun run dev` starts it, with the repository's own scrape jobs, rules
// and routing: only the targets differ (127.0.0.1 and this run's ports instead of compose's DNS)
// and the intervals (1 s instead of 15 s, so the test waits seconds, not minutes).
const infra = new URL('..', import.meta.url).pathname
const SERVICES = [
  'gateway-service',
  'auth-service',
  'campaign-service',
  'pledge-service',
  'payment-service',
  'totals-service',
  'chat-service',
]
type ServiceName = Parameters<RunningPlatform['serviceUrl']>[0]

/** Where this run's platform serves a service (`127.0.0.1:23003`), from the platform's own URLs. */
function hostOf(service: string): string {
  const url =
    service === 'gateway-service'
      ? platform.gateway
      : platform.serviceUrl(service.replace(/-service$/, '') as ServiceName)
  return new URL(url).host
}

interface ScrapeConfig {
  job_name: string
  static_configs?: { targets: string[] }[]
  dns_sd_configs?: unknown
  [key: string]: unknown
}

let world: TestResources
let platform: RunningPlatform
let dir: string
const processes: ReturnType<typeof Bun.spawn>[] = []
let prometheus = ''
let alertmanager = ''

function spawn(cmd: string[]) {
  const proc = Bun.spawn(cmd, { stdout: 'ignore', stderr: 'pipe', stdin: 'ignore' })
  processes.push(proc)
  return proc
}

async function answers(url: string): Promise<boolean> {
  return fetch(url, { signal: AbortSignal.timeout(1000) })
    .then((res) => res.ok)
    .catch(() => false)
}

async function query(expr: string): Promise<{ metric: Record<string, string>; value: [number, string] }[]> {
  const res = await fetch(`${prometheus}/api/v1/query?query=${encodeURIComponent(expr)}`)
  const body = (await res.json()) as {
    data: { result: { metric: Record<string, string>; value: [number, string] }[] }
  }
  return body.data.result
}

const readValue = async (expr: string) => Number((await query(expr))[0]?.value[1] ?? Number.NaN)

beforeAll(async () => {
  world = await createTestResources()
  dir = await mkdtemp(join(tmpdir(), 'careforall-prometheus-'))
  platform = await startPlatform(world, { env: { LOG_LEVEL: 'warn', SANDBOX_POLL_MS: '50' } })

  const nodeExporterPort = freePort()
  spawn(['prometheus-node-exporter', `--web.listen-address=127.0.0.1:${nodeExporterPort}`])

  const alertmanagerPort = freePort()
  alertmanager = `http://127.0.0.1:${alertmanagerPort}`
  spawn([
    'prometheus-alertmanager',
    `--config.file=${join(infra, 'alertmanager/alertmanager.yml')}`,
    `--storage.path=${join(dir, 'alertmanager')}`,
    `--web.listen-address=127.0.0.1:${alertmanagerPort}`,
    '--cluster.listen-address=',
  ])

  const source = parse(await Bun.file(join(infra, 'prometheus/prometheus.yml')).text()) as {
    global: Record<string, unknown>
    scrape_configs: ScrapeConfig[]
    [key: string]: unknown
  }
  const scrape: ScrapeConfig[] = []
  for (const job of source.scrape_configs) {
    if (SERVICES.includes(job.job_name)) {
      const { dns_sd_configs: _dns, ...rest } = job
      scrape.push({
        ...rest,
        static_configs: [{ targets: [hostOf(job.job_name)] }],
      })
    } else if (job.job_name === 'node-exporter') {
      scrape.push({ ...job, static_configs: [{ targets: [`127.0.0.1:${nodeExporterPort}`] }] })
    }
  }
  const config = {
    ...source,
    global: { ...source.global, scrape_interval: '1s', evaluation_interval: '1s', scrape_timeout: '900ms' },
    rule_files: [join(infra, 'prometheus/rules/*.yml')],
    alerting: { alertmanagers: [{ static_configs: [{ targets: [`127.0.0.1:${alertmanagerPort}`] }] }] },
    scrape_configs: scrape,
  }
  await Bun.write(join(dir, 'prometheus.yml'), stringify(config))
  const prometheusPort = freePort()
  prometheus = `http://127.0.0.1:${prometheusPort}`
  spawn([
    'prometheus',
    `--config.file=${join(dir, 'prometheus.yml')}`,
    `--storage.tsdb.path=${join(dir, 'data')}`,
    `--web.listen-address=127.0.0.1:${prometheusPort}`,
  ])
  await eventually(() => answers(`${prometheus}/-/ready`), Boolean, 30_000)
  await eventually(() => answers(`${alertmanager}/-/ready`), Boolean, 30_000)
}, 180_000)

afterAll(async () => {
  for (const proc of processes) proc.kill('SIGKILL')
  await platform?.stop()
  await world?.cleanup()
  if (dir) await rm(dir, { recursive: true, force: true })
}, 60_000)

describe('Prometheus against the running platform', () => {
  it('scrapes every service and node-exporter', async () => {
    const targets = await eventually(
      async () => {
        const res = await fetch(`${prometheus}/api/v1/targets`)
        return (
          (await res.json()) as { data: { activeTargets: { labels: { job: string }; health: string }[] } }
        ).data.activeTargets
      },
      (active) => active.length === 8 && active.every((target) => target.health === 'up'),
      30_000,
    )
    expect(targets.map((target) => [target.labels.job, target.health]).sort()).toEqual(
      [...SERVICES, 'node-exporter'].map((job) => [job, 'up']).sort(),
    )
  }, 60_000)

  it('sees the business counters move after a donation', async () => {
    const captured = 'max(careforall_pledges{state="CAPTURED"})'
    const cents = 'max(careforall_amount_captured_cents)'
    const before = await eventually(
      () => readValue(captured),
      (value) => !Number.isNaN(value),
      30_000,
    )
    const centsBefore = await readValue(cents)

    const api = new PlatformClient(platform.gateway)
    const owner = await api.register('owner')
    const donor = await api.register('donor')
    const campaignId = await api.activeCampaign(owner.token)
    const created = await api.call('POST', '/api/pledges', {
      token: donor.token,
      headers: { 'idempotency-key': `prometheus-${Date.now()}` },
      body: { campaignId, amount: 12.5 },
    })
    expect(created.status).toBe(201)

    // The gauges are read from the services' tables at most every 10 s, scraped every second.
    expect(
      await eventually(
        () => readValue(captured),
        (value) => value === before + 1,
        40_000,
      ),
    ).toBe(before + 1)
    expect(
      await eventually(
        () => readValue(cents),
        (value) => value === centsBefore + 1250,
        20_000,
      ),
    ).toBe(centsBefore + 1250)
    const rate = await readValue('sum(job:http_requests:rate5m{job="gateway-service"})')
    expect(rate).toBeGreaterThan(0)
  }, 90_000)

  it('fires ServiceDown when a service stops answering, and Alertmanager routes it to the pager', async () => {
    // SIGSTOP, not a kill: `bun run dev` restarts a service that exits, within seconds.
    const port = Number(new URL(platform.serviceUrl('chat')).port)
    const pid = pidListeningOn(port)
    process.kill(pid, 'SIGSTOP')
    try {
      const alerts = await eventually(
        async () => {
          const res = await fetch(`${alertmanager}/api/v2/alerts?filter=alertname%3D%22ServiceDown%22`)
          return (await res.json()) as { labels: Record<string, string>; receivers: { name: string }[] }[]
        },
        (found) => found.some((alert) => alert.labels.job === 'chat-service'),
        75_000,
        1000,
      )
      const alert = alerts.find((found) => found.labels.job === 'chat-service')!
      expect(alert.labels.severity).toBe('page')
      expect(alert.receivers.map((receiver) => receiver.name)).toEqual(['oncall-page'])
      // Nothing else is down.
      expect(alerts.filter((found) => found.labels.job !== 'chat-service')).toEqual([])
    } finally {
      process.kill(pid, 'SIGCONT')
    }
    await eventually(
      () => readValue('up{job="chat-service"}'),
      (value) => value === 1,
      30_000,
    )
  }, 120_000)
})

/** The pid of the process listening on a local TCP port (this run's service, not another run's). */
function pidListeningOn(port: number): number {
  const out = Bun.spawnSync(['ss', '-Hltnp', `sport = :${port}`]).stdout.toString()
  const pid = Number(/pid=(\d+)/.exec(out)?.[1])
  if (!pid) throw new Error(`nothing listens on ${port}: ${out}`)
  return pid
}
