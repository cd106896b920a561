// Prometheus and Alertmanager configuration: the real promtool, amtool and yamllint on every file,
// then what the tools cannot check: every alert documented, tested, and reading metrics that exist.
import { afterAll, describe, expect, test } from 'bun:test'
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { parse } from 'yaml'
import { HISTOGRAMS, METRICS } from './support/inventory'

const INFRA = join(import.meta.dir, '..')
const REPO = join(INFRA, '..')
const PROMETHEUS = join(INFRA, 'prometheus')
const RULES_DIR = join(PROMETHEUS, 'rules')
const TESTS_DIR = join(PROMETHEUS, 'tests')
const PROMETHEUS_YML = join(PROMETHEUS, 'prometheus.yml')
const ALERTMANAGER_YML = join(INFRA, 'alertmanager', 'alertmanager.yml')
const OPERATIONS_MD = join(REPO, 'docs', 'operations.md')
const YAMLLINT_CONFIG = join(INFRA, '.yamllint.yml')
const RUNBOOK_BASE = 'https://github.com/careforall/careforall/blob/main/docs/operations.md#'

const SERVICES: Record<string, number> = {
  'gateway-service': 3000,
  'auth-service': 3001,
  'campaign-service': 3002,
  'pledge-service': 3003,
  'payment-service': 3004,
  'totals-service': 3005,
  'chat-service': 3006,
}

/** The metric inventory as Prometheus shows it: histograms with their suffixes. */
const INVENTORY = new Set<string>([
  ...HISTOGRAMS.flatMap((name) => [`${name}_bucket`, `${name}_sum`, `${name}_count`]),
  ...METRICS,
])

interface Rule {
  record?: string
  alert?: string
  expr: string
  for?: string
  labels?: Record<string, string>
  annotations?: Record<string, string>
}
interface RuleFile {
  groups: { name: string; rules: Rule[] }[]
}
interface AlertTest {
  eval_time: string
  alertname: string
  exp_alerts?: { exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }[]
}
interface TestFile {
  rule_files: string[]
  tests: { alert_rule_test?: AlertTest[] }[]
}
interface ScrapeConfig {
  job_name: string
  metrics_path?: string
  dns_sd_configs?: { names: string[]; type: string; port: number }[]
  static_configs?: { targets: string[]; labels?: Record<string, string> }[]
  relabel_configs?: unknown[]
}
interface PrometheusConfig {
  global: Record<string, string>
  rule_files: string[]
  alerting: { alertmanagers: { static_configs: { targets: string[] }[] }[] }
  scrape_configs: ScrapeConfig[]
}
interface Route {
  receiver?: string
  group_by?: string[]
  matchers?: string[]
  routes?: Route[]
}
interface AlertmanagerConfig {
  route: Route
  inhibit_rules: { source_matchers: string[]; target_matchers: string[]; equal: string[] }[]
  receivers: { name: string }[]
}

const ymlIn = (dir: string) =>
  readdirSync(dir)
    .filter((name) => name.endsWith('.yml'))
    .sort()
    .map((name) => join(dir, name))

const ruleFiles = ymlIn(RULES_DIR)
const testFiles = ymlIn(TESTS_DIR)
const rules = ruleFiles.flatMap((file) =>
  (parse(readFileSync(file, 'utf8')) as RuleFile).groups.flatMap((group) => group.rules),
)
const alerts = rules.filter((rule): rule is Rule & { alert: string } => rule.alert !== undefined)
const records = new Set(rules.flatMap((rule) => (rule.record ? [rule.record] : [])))

/** Runs a tool; a non-zero exit fails the test with everything it printed. Returns stdout and stderr. */
function expectSuccess(cmd: string[]): string {
  return runTool(cmd).output
}

function runTool(cmd: string[]): { stdout: string; output: string } {
  const result = Bun.spawnSync(cmd, { stdout: 'pipe', stderr: 'pipe' })
  const stdout = result.stdout.toString()
  const output = `${stdout}${result.stderr.toString()}`
  if (result.exitCode !== 0) throw new Error(`${cmd.join(' ')} exited ${result.exitCode}:\n${output}`)
  return { stdout, output }
}

/** GitHub's heading anchors: lowercase, punctuation dropped, spaces to '-', repeats numbered. */
function anchorsOf(markdown: string): Set<string> {
  const seen = new Map<string, number>()
  const anchors = new Set<string>()
  let fenced = false
  for (const line of markdown.split('\n')) {
    if (line.startsWith('```')) fenced = !fenced
    const heading = fenced ? null : /^#{1,6}\s+(.+?)\s*#*\s*$/.exec(line)
    if (!heading?.[1]) continue
    const slug = heading[1]
      .toLowerCase()
      .replace(/[^\p{L}\p{N}\s_-]/gu, '')
      .replace(/\s/g, '-')
    const count = seen.get(slug) ?? 0
    seen.set(slug, count + 1)
    anchors.add(count === 0 ? slug : `${slug}-${count}`)
  }
  return anchors
}

const PROMQL_KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool'])
const PROMQL_OPERATORS = new Set(['and', 'or', 'unless', 'offset', 'inf', 'nan'])

/** The metric (and recorded series) names an expression selects: not functions, labels or keywords. */
function metricNames(expr: string): Set<string> {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
  const names = new Set<string>()
  for (const match of stripped.matchAll(/(?<![\w:.])([a-zA-Z_:][\w:]*)(\s*\()?/g)) {
    const [, name, call] = match
    if (!name || call || PROMQL_KEYWORDS.has(name) || PROMQL_OPERATORS.has(name)) continue
    if (/^\d/.test(name)) continue
    names.add(name)
  }
  return names
}

const tempDirs: string[] = []
afterAll(() => {
  for (const dir of tempDirs) rmSync(dir, { recursive: true, force: true })
})

describe('the tools accept every file', () => {
  test('promtool check config (rule_files pointed at the repository)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'careforall-prometheus-'))
    tempDirs.push(dir)
    const config = readFileSync(PROMETHEUS_YML, 'utf8')
    expect(config).toContain('/etc/prometheus/rules/*.yml')
    writeFileSync(
      join(dir, 'prometheus.yml'),
      config.replace('/etc/prometheus/rules/*.yml', `${RULES_DIR}/*.yml`),
    )
    const output = expectSuccess(['promtool', 'check', 'config', join(dir, 'prometheus.yml')])
    for (const file of ruleFiles) expect(output).toContain(file)
  })

  test.each(ruleFiles)('promtool check rules %s', (file) => {
    expect(expectSuccess(['promtool', 'check', 'rules', file])).toContain('SUCCESS')
  })

  test.each(testFiles)('promtool test rules %s', (file) => {
    expect(expectSuccess(['promtool', 'test', 'rules', file])).toContain('SUCCESS')
  })

  test('amtool check-config', () => {
    const amtool = Bun.which('amtool') ?? '/usr/bin/amtool'
    expect(expectSuccess([amtool, 'check-config', ALERTMANAGER_YML])).toContain('SUCCESS')
  })

  test('yamllint', () => {
    const files = [PROMETHEUS_YML, ...ruleFiles, ...testFiles, ALERTMANAGER_YML]
    expectSuccess(['yamllint', '--strict', '-c', YAMLLINT_CONFIG, ...files])
  })
})

describe('prometheus.yml', () => {
  const config = parse(readFileSync(PROMETHEUS_YML, 'utf8')) as PrometheusConfig
  const jobs = new Map(config.scrape_configs.map((job) => [job.job_name, job]))

  test('evaluates every 15 s, loads the rules and sends alerts to Alertmanager', () => {
    expect(config.global.scrape_interval).toBe('15s')
    expect(config.global.evaluation_interval).toBe('15s')
    expect(config.rule_files).toEqual(['/etc/prometheus/rules/*.yml'])
    expect(
      config.alerting.alertmanagers.flatMap((am) => am.static_configs.flatMap((s) => s.targets)),
    ).toEqual(['alertmanager:9093'])
  })

  test('one job per service, named after it, finding every replica through DNS', () => {
    for (const [service, port] of Object.entries(SERVICES)) {
      const job = jobs.get(service)
      expect(job, service).toBeDefined()
      expect(job?.metrics_path).toBe('/metrics')
      expect(job?.dns_sd_configs).toEqual([{ names: [service], type: 'A', port }])
      // Uniform, so a test can swap the discovery for static targets.
      expect(Object.keys(job ?? {}).sort()).toEqual(['dns_sd_configs', 'job_name', 'metrics_path'])
    }
    const serviceJobs = [...jobs.keys()].filter((name) => /.+-service$/.test(name))
    expect(serviceJobs.sort()).toEqual(Object.keys(SERVICES).sort())
  })

  test('scrapes the exporters and the stack itself', () => {
    const targets = (name: string) => jobs.get(name)?.static_configs?.flatMap((s) => s.targets)
    expect(targets('node-exporter')).toEqual(['node-exporter:9100'])
    expect(targets('cadvisor')).toEqual(['cadvisor:8080'])
    expect(targets('rabbitmq')).toEqual(['rabbitmq:15692'])
    expect(targets('postgres-exporter')).toEqual(['postgres-exporter:9187'])
    expect(targets('otel-collector')).toEqual(['otel-collector:8888'])
    expect(targets('otel-collector-exporter')).toEqual(['otel-collector:8889'])
    expect(targets('prometheus')).toEqual(['localhost:9090'])
    expect(targets('alertmanager')).toEqual(['alertmanager:9093'])
  })

  test('series pushed through the Collector are labelled apart from the services', () => {
    const job = jobs.get('otel-collector-exporter')
    expect(job?.static_configs?.[0]?.labels).toEqual({ metric_source: 'otlp' })
    expect(/.+-service$/.test('otel-collector-exporter')).toBe(false)
  })
})

describe('rules', () => {
  const expectedAlerts = [
    'ServiceDown',
    'HighErrorRatio',
    'HighLatencyP99',
    'OutboxLag',
    'DeadLetterQueueNotEmpty',
    'WebhookSignatureFailures',
    'TotalsDrift',
    'TotalsReconcileStale',
    'ConsumerLag',
    'DonationPathBurnRateFast',
    'DonationPathBurnRateSlow',
  ]

  test('every alert the design names exists, once', () => {
    const names = alerts.map((alert) => alert.alert)
    expect([...names].sort()).toEqual([...expectedAlerts].sort())
  })

  test('ServiceDown fires after 30 s for the services only', () => {
    const down = alerts.find((alert) => alert.alert === 'ServiceDown')
    expect(down?.expr).toBe('up{job=~".+-service"} == 0')
    expect(down?.for).toBe('30s')
  })

  test('the RED and SLO recording rules exist', () => {
    for (const name of [
      'job:http_requests:rate5m',
      'job:http_errors:ratio_rate5m',
      'job:http_request_duration:p99_5m',
      'slo:donation_path_errors:ratio_rate5m',
      'slo:donation_path_errors:ratio_rate30m',
      'slo:donation_path_errors:ratio_rate1h',
      'slo:donation_path_errors:ratio_rate6h',
    ]) {
      expect(records.has(name), name).toBe(true)
    }
  })

  test('the burn-rate alerts use the workbook windows and factors', () => {
    const expr = (name: string) => alerts.find((alert) => alert.alert === name)?.expr ?? ''
    expect(expr('DonationPathBurnRateFast')).toContain(
      'slo:donation_path_errors:ratio_rate1h > (14.4 * 0.005)',
    )
    expect(expr('DonationPathBurnRateFast')).toContain(
      'slo:donation_path_errors:ratio_rate5m > (14.4 * 0.005)',
    )
    expect(expr('DonationPathBurnRateSlow')).toContain('slo:donation_path_errors:ratio_rate6h > (6 * 0.005)')
    expect(expr('DonationPathBurnRateSlow')).toContain('slo:donation_path_errors:ratio_rate30m > (6 * 0.005)')
  })

  test.each(alerts.map((alert) => [alert.alert, alert] as const))(
    '%s has a severity, a summary, a description and a runbook that exists',
    (_name, alert) => {
      const anchors = anchorsOf(readFileSync(OPERATIONS_MD, 'utf8'))
      expect(['page', 'ticket']).toContain(alert.labels?.severity ?? '')
      expect(alert.annotations?.summary).toBeTruthy()
      expect(alert.annotations?.description).toBeTruthy()
      const url = alert.annotations?.runbook_url ?? ''
      expect(url.startsWith(RUNBOOK_BASE)).toBe(true)
      const anchor = url.slice(RUNBOOK_BASE.length)
      expect(anchors.has(anchor), `docs/operations.md has no heading for #${anchor}`).toBe(true)
    },
  )

  test('every alert has a promtool case where it fires and one where it does not', () => {
    const cases = testFiles.flatMap((file) =>
      (parse(readFileSync(file, 'utf8')) as TestFile).tests.flatMap((t) => t.alert_rule_test ?? []),
    )
    for (const alert of alerts) {
      const own = cases.filter((c) => c.alertname === alert.alert)
      expect(
        own.some((c) => (c.exp_alerts ?? []).length > 0),
        `${alert.alert}: no firing case`,
      ).toBe(true)
      expect(
        own.some((c) => (c.exp_alerts ?? []).length === 0),
        `${alert.alert}: no quiet case`,
      ).toBe(true)
      // A firing case names the labels and annotations it expects.
      for (const c of own) {
        for (const fired of c.exp_alerts ?? []) {
          expect(fired.exp_labels?.severity).toBe(alert.labels?.severity ?? '')
          expect(fired.exp_annotations?.runbook_url).toBe(alert.annotations?.runbook_url ?? '')
        }
      }
    }
  })

  test('every rule file is loaded by a test file, and every file a test loads exists', () => {
    const loaded = new Set(
      testFiles.flatMap((file) =>
        (parse(readFileSync(file, 'utf8')) as TestFile).rule_files.map((ruleFile) =>
          resolve(TESTS_DIR, ruleFile),
        ),
      ),
    )
    for (const file of loaded) expect(existsSync(file), file).toBe(true)
    for (const file of ruleFiles) expect(loaded.has(file), file).toBe(true)
  })

  test('the metric name extraction finds what it should', () => {
    expect([
      ...metricNames(
        'sum by (job, le) (rate(http_server_request_duration_bucket{job=~".+-service", http_route!~"a|b"}[5m])) ' +
          'or time() - max(totals_reconcile_last_success_seconds offset 10m) > 900 unless on () up == 1',
      ),
    ]).toEqual(['http_server_request_duration_bucket', 'totals_reconcile_last_success_seconds', 'up'])
  })

  test('every metric a rule reads is in the inventory, or recorded by a rule', () => {
    const unknown = rules.flatMap((rule) =>
      [...metricNames(rule.expr)]
        .filter((name) => !INVENTORY.has(name) && !records.has(name))
        .map((name) => `${rule.alert ?? rule.record}: ${name}`),
    )
    expect(unknown).toEqual([])
  })
})

describe('alertmanager.yml', () => {
  const config = parse(readFileSync(ALERTMANAGER_YML, 'utf8')) as AlertmanagerConfig
  const receivers = new Set(config.receivers.map((receiver) => receiver.name))

  test('pages go to oncall-page, tickets and the rest to oncall-ticket', () => {
    expect(config.route.receiver).toBe('oncall-ticket')
    expect(config.route.group_by).toEqual(['alertname', 'job'])
    const bySeverity = new Map(
      (config.route.routes ?? []).map((route) => [route.matchers?.join(','), route.receiver]),
    )
    expect(bySeverity.get('severity="page"')).toBe('oncall-page')
    expect(bySeverity.get('severity="ticket"')).toBe('oncall-ticket')
    for (const route of [config.route, ...(config.route.routes ?? [])]) {
      expect(receivers.has(route.receiver ?? ''), route.receiver).toBe(true)
    }
  })

  test('amtool routes pages and tickets to their receivers', () => {
    const amtool = Bun.which('amtool') ?? '/usr/bin/amtool'
    const route = (...labels: string[]) =>
      // stdout is the receiver; stderr warns that --config.file overrides --alertmanager.url.
      runTool([
        amtool,
        'config',
        'routes',
        'test',
        `--config.file=${ALERTMANAGER_YML}`,
        ...labels,
      ]).stdout.trim()
    expect(route('alertname=ServiceDown', 'severity=page', 'job=pledge-service')).toBe('oncall-page')
    expect(route('alertname=ConsumerLag', 'severity=ticket')).toBe('oncall-ticket')
    expect(route('alertname=Unknown')).toBe('oncall-ticket')
  })

  test('inhibitions name alerts that exist', () => {
    const names = new Set(alerts.map((alert) => alert.alert))
    for (const rule of config.inhibit_rules) {
      for (const matcher of [...rule.source_matchers, ...rule.target_matchers]) {
        const value = /^alertname=~?"(.+)"$/.exec(matcher)?.[1]
        expect(value, matcher).toBeDefined()
        for (const name of (value ?? '').split('|')) expect(names.has(name), name).toBe(true)
      }
    }
    const down = config.inhibit_rules.find((rule) => rule.source_matchers.includes('alertname="ServiceDown"'))
    expect(down?.target_matchers).toEqual(['alertname=~"HighErrorRatio|HighLatencyP99|OutboxLag"'])
    expect(down?.equal).toEqual(['job'])
    const burn = config.inhibit_rules.find((rule) =>
      rule.source_matchers.includes('alertname="DonationPathBurnRateFast"'),
    )
    expect(burn?.target_matchers).toEqual(['alertname="DonationPathBurnRateSlow"'])
    // Both burn-rate alerts carry the label the inhibition compares.
    for (const name of ['DonationPathBurnRateFast', 'DonationPathBurnRateSlow']) {
      const alert = alerts.find((a) => a.alert === name)
      const labels = { ...alert?.labels }
      for (const key of burn?.equal ?? []) {
        const recorded = rules.find((rule) => rule.record && alert?.expr.includes(rule.record))
        expect(labels[key] ?? recorded?.labels?.[key], `${name}: ${key}`).toBeDefined()
      }
    }
  })
})
