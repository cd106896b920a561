import { describe, expect, test } from 'bun:test'
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Dashboard, Panel, RowPanel } from '@grafana/schema'
import { parse, stringify } from 'yaml'
import { dashboards, outputDir, renderDashboards } from '../grafana/src/generate'
import { HISTOGRAMS, METRICS } from './support/inventory'

const infra = join(import.meta.dir, '..')
const provisioning = join(infra, 'grafana', 'provisioning')
const datasourcesFile = join(provisioning, 'datasources', 'datasources.yml')
const providersFile = join(provisioning, 'dashboards', 'dashboards.yml')

interface ProvisionedDatasource {
  uid: string
  type: string
  url: string
  isDefault?: boolean
  jsonData?: Record<string, unknown>
}
const provisioned: ProvisionedDatasource[] = parse(readFileSync(datasourcesFile, 'utf8')).datasources
const byUid = (uid: string) => provisioned.find((datasource) => datasource.uid === uid)

/** The metric inventory; histograms by their base name. */
const metrics = new Set(METRICS)
const histograms = new Set(HISTOGRAMS)

/** Values for Grafana's built-in variables and the dashboards' own, to make plain PromQL. */
const variableValues: Record<string, string> = {
  __rate_interval: '1m',
  __interval: '30s',
  __range: '1h',
  __range_s: '3600',
  __range_ms: '3600000',
  service: 'pledge-service',
  route: '/api/pledges',
}

const keywords = new Set(
  [
    'by without on ignoring group_left group_right bool offset and or unless',
    'sum min max avg count stddev stdvar topk bottomk quantile count_values group inf nan',
  ]
    .join(' ')
    .split(' '),
)

/** Metric names in a PromQL expression: identifiers that are not functions, keywords, labels or strings. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
  const names: string[] = []
  for (const match of stripped.matchAll(/\d+(?:\.\d+)?(?:e[+-]?\d+)?[a-z]*|[A-Za-z_:][\w:]*(\s*\()?/gi)) {
    const [token, call] = [match[0], match[1]]
    if (/^\d/.test(token) || call || keywords.has(token.toLowerCase())) continue
    names.push(token)
  }
  return names
}

const known = (name: string) =>
  metrics.has(name) || histograms.has(name.replace(/_(?:bucket|sum|count)$/, ''))

/** Replaces $name, ${name} and ${name:format} with the value the test uses. */
function substitute(expr: string): string {
  return expr.replace(/\$\{(\w+)(?::\w+)?\}|\$(\w+)/g, (whole, braced, bare) => {
    const value = variableValues[braced ?? bare]
    if (value === undefined) throw new Error(`unknown variable ${whole} in ${expr}`)
    return value
  })
}

interface Expression {
  where: string
  expr: string
}

const isRow = (panel: Panel | RowPanel): panel is RowPanel => panel.type === 'row'
const allPanels = (dashboard: Dashboard) =>
  (dashboard.panels ?? []).flatMap((panel) => (isRow(panel) ? [panel, ...panel.panels] : [panel]))

/** Every PromQL expression of a dashboard: panel targets and the selectors of variable queries. */
function promExpressions(dashboard: Dashboard): Expression[] {
  const found: Expression[] = []
  for (const panel of allPanels(dashboard)) {
    if (isRow(panel)) continue
    for (const target of panel.targets ?? []) {
      const datasource = (target.datasource ?? panel.datasource) as { uid?: string } | undefined
      if (datasource?.uid !== 'prometheus') continue
      found.push({ where: `${dashboard.uid} / ${panel.title} / ${target.refId}`, expr: String(target.expr) })
    }
  }
  for (const variable of dashboard.templating?.list ?? []) {
    if (variable.type !== 'query' || variable.datasource?.uid !== 'prometheus') continue
    const query = String(variable.query)
    const inner = /^(?:label_values\((.+),\s*\w+\)|query_result\((.+)\))$/.exec(query)
    const expr = inner?.[1] ?? inner?.[2]
    if (expr) found.push({ where: `${dashboard.uid} / $${variable.name}`, expr })
  }
  return found
}

const expressions = dashboards.flatMap(promExpressions)

describe('the Grafana dashboards', () => {
  test('the committed JSON is what the generator produces', () => {
    const rendered = renderDashboards()
    expect(readdirSync(outputDir).sort()).toEqual(rendered.map(({ file }) => file).sort())
    for (const { file, json } of rendered) {
      expect(readFileSync(join(outputDir, file), 'utf8'), `${file} is stale: run the generator`).toBe(json)
    }
  })

  test('are the four dashboards, tagged and refreshed alike', () => {
    expect(dashboards.map((dashboard) => dashboard.uid).sort()).toEqual(
      ['business', 'database', 'infrastructure', 'service-overview'].sort(),
    )
    for (const dashboard of dashboards) {
      expect(dashboard.tags).toContain('careforall')
      expect(dashboard.refresh).toBe('30s')
      expect(dashboard.time).toEqual({ from: 'now-1h', to: 'now' })
      expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(39)
    }
  })

  test('have unique panel ids and every panel a place in the grid', () => {
    for (const dashboard of dashboards) {
      const ids = allPanels(dashboard).map((panel) => panel.id)
      expect(new Set(ids).size, `${dashboard.uid} repeats a panel id`).toBe(ids.length)
      for (const panel of allPanels(dashboard)) {
        expect(panel.gridPos, `${dashboard.uid} / ${panel.title}`).toBeDefined()
        expect(panel.gridPos!.x + panel.gridPos!.w).toBeLessThanOrEqual(24)
      }
    }
  })

  test('use only the provisioned datasources, by uid and type', () => {
    const refs = dashboards.flatMap((dashboard) => [
      ...(dashboard.templating?.list ?? []).map((variable) => ({
        where: variable.name,
        ref: variable.datasource,
      })),
      ...allPanels(dashboard).flatMap((panel) =>
        isRow(panel)
          ? []
          : [
              { where: panel.title, ref: panel.datasource },
              ...(panel.targets ?? []).map((target) => ({ where: panel.title, ref: target.datasource })),
            ],
      ),
    ])
    for (const { where, ref } of refs) {
      const { uid, type } = (ref ?? {}) as { uid?: string; type?: string }
      expect(byUid(uid ?? '')?.type, `${where}: datasource ${uid}`).toBe(type!)
    }
  })

  test('set a unit on every graph and table', () => {
    for (const dashboard of dashboards) {
      for (const panel of allPanels(dashboard)) {
        if (isRow(panel) || panel.type === 'logs' || panel.type === 'stat') continue
        expect(panel.fieldConfig?.defaults.unit, `${dashboard.uid} / ${panel.title}`).toBeString()
      }
    }
  })

  test('have PromQL that promtool accepts', () => {
    const dir = mkdtempSync(join(tmpdir(), 'grafana-promql-'))
    try {
      const file = join(dir, 'expressions.yml')
      const rules = expressions.map(({ expr }, n) => ({ record: `check_${n}`, expr: substitute(expr) }))
      writeFileSync(file, stringify({ groups: [{ name: 'grafana', rules }] }))
      const result = Bun.spawnSync(['promtool', 'check', 'rules', file])
      const output = `${result.stdout}${result.stderr}`
      const rejected = [...output.matchAll(/check_(\d+)/g)].map(([, n]) => expressions[Number(n)])
      const detail = rejected.map((e) => `${e?.where}: ${e?.expr}`).join('\n')
      expect(result.exitCode, `promtool rejected:\n${detail}\n${output}`).toBe(0)
      expect(output).toContain(`SUCCESS: ${rules.length} rules found`)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  test('query only metrics of the inventory', () => {
    expect(expressions.length).toBeGreaterThan(50)
    const unknown = expressions.flatMap(({ where, expr }) =>
      metricNames(expr)
        .filter((name) => !known(name))
        .map((name) => `${where}: ${name}`),
    )
    expect(unknown).toEqual([])
  })

  test('the metric name tokenizer skips functions, keywords, labels and strings', () => {
    const expr =
      'histogram_quantile(0.99, sum by (job, le) (rate(a_bucket{job=~"x|y", le!="1"}[5m] offset 1h))) / on (job) group_left (x) b > 0 and bool c'
    expect(metricNames(expr)).toEqual(['a_bucket', 'b', 'c'])
  })
})

describe('the Grafana provisioning', () => {
  test('gives each datasource its fixed uid', () => {
    expect(provisioned.map(({ uid }) => uid).sort()).toEqual(
      ['elasticsearch-events', 'elasticsearch-logs', 'jaeger', 'prometheus'].sort(),
    )
    expect(byUid('prometheus')).toMatchObject({ url: 'http://prometheus:9090', isDefault: true })
    expect(byUid('jaeger')?.url).toBe('http://jaeger:16686')
  })

  test('links log lines to their trace, and spans back to their logs', () => {
    const logs = byUid('elasticsearch-logs')!
    expect(logs.jsonData).toMatchObject({
      index: 'careforall-logs-*',
      timeField: '@timestamp',
      logMessageField: 'message',
      logLevelField: 'log.level',
    })
    // Grafana expands $VAR in provisioning files; "$$" is a literal "$".
    expect(logs.jsonData?.dataLinks).toEqual([
      { field: 'trace.id', datasourceUid: 'jaeger', url: '$${__value.raw}', urlDisplayLabel: 'View trace' },
    ])
    expect(byUid('jaeger')?.jsonData?.tracesToLogsV2).toMatchObject({
      datasourceUid: 'elasticsearch-logs',
      filterByTraceID: true,
    })
    expect(byUid('elasticsearch-events')?.jsonData).toMatchObject({
      index: 'careforall-events-*',
      timeField: '@timestamp',
    })
  })

  test('loads the dashboards from the folder compose mounts', () => {
    const { providers } = parse(readFileSync(providersFile, 'utf8'))
    expect(providers).toEqual([
      expect.objectContaining({
        type: 'file',
        folder: 'Care For All',
        options: expect.objectContaining({ path: '/var/lib/grafana/dashboards' }),
      }),
    ])
  })

  test('passes yamllint', () => {
    const result = Bun.spawnSync([
      'yamllint',
      '--strict',
      '-c',
      join(infra, '.yamllint.yml'),
      datasourcesFile,
      providersFile,
    ])
    expect(result.exitCode, `${result.stdout}${result.stderr}`).toBe(0)
  })
})
