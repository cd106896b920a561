import { dashboard, promVariable } from './dashboard'
import { stat, steps, table, timeseries } from './panels'
import { prom, quantile, rate } from './queries'

const byJob = 'job=~"$service"'
const tx = 'db_transaction_duration_seconds'
const transactions = (by: string, matchers = byJob) => `sum by (${by}) (${rate(`${tx}_count{${matchers}}`)})`
const perDb = (metric: string) => `sum by (datname) (${rate(metric)})`

// pg_stat_statements per query over the selected range; the table keeps the ten slowest per call.
const statement = (metric: string) => `sum by (datname, queryid) (increase(${metric}[$__range]))`
const meanPerCall = `${statement('pg_stat_statements_seconds_total')} / (${statement('pg_stat_statements_calls_total')} > 0)`
const slowest = `topk(10, ${meanPerCall})`
const ofSlowest = (expr: string) => `${expr} and on (datname, queryid) ${slowest}`
const column = (name: string, unit: string) => ({
  matcher: { id: 'byName', options: name },
  properties: [{ id: 'unit', value: unit }],
})

export const database = dashboard({
  uid: 'database',
  title: 'Care For All / Database',
  description: 'Transactions and connection pools per service, and PostgreSQL itself (postgres-exporter).',
  variables: [promVariable('service', 'Service', 'label_values(db_pool_max, job)')],
  rows: [
    {
      title: 'Transactions per service',
      cells: [
        timeseries({
          title: 'Transaction duration p50 / p99',
          unit: 's',
          w: 12,
          targets: [0.5, 0.99].map((q) =>
            prom(quantile(q, tx, byJob, ['job', 'db_transaction']), `{{db_transaction}} p${q * 100}`),
          ),
        }),
        timeseries({
          title: 'Transaction rate',
          unit: 'ops',
          w: 12,
          targets: [prom(transactions('job, db_transaction'), '{{db_transaction}}')],
        }),
        timeseries({
          title: 'Rollback ratio',
          unit: 'percentunit',
          min: 0,
          w: 8,
          thresholds: steps([0.01, 'orange'], [0.05, 'red']),
          targets: [
            prom(
              `${transactions('job', `${byJob}, outcome="rollback"`)} / ${transactions('job')}`,
              '{{job}}',
            ),
          ],
        }),
        timeseries({
          title: 'Pool connections by state vs pool size',
          unit: 'short',
          w: 8,
          targets: [
            prom(`sum by (job, state) (db_pool_connections{${byJob}})`, '{{job}} {{state}}'),
            prom(`sum by (job) (db_pool_max{${byJob}})`, '{{job}} max'),
          ],
        }),
        timeseries({
          title: 'Pool in use',
          description: 'Connections not idle, as a share of the pool size (summed over instances).',
          unit: 'percentunit',
          min: 0,
          max: 1,
          w: 8,
          thresholds: steps([0.8, 'orange'], [0.95, 'red']),
          targets: [
            prom(
              `sum by (job) (db_pool_connections{${byJob}, state!="idle"}) / sum by (job) (db_pool_max{${byJob}})`,
              '{{job}}',
            ),
          ],
        }),
      ],
    },
    {
      title: 'PostgreSQL',
      cells: [
        stat({
          title: 'PostgreSQL up',
          w: 4,
          h: 8,
          colorBackground: true,
          thresholds: steps([0, 'red'], [1, 'green']),
          targets: [prom('min(pg_up)', 'up')],
        }),
        timeseries({
          title: 'Connections by state vs max_connections',
          unit: 'short',
          w: 10,
          targets: [
            prom('sum by (state) (pg_stat_activity_count)', '{{state}}'),
            prom('max(pg_settings_max_connections)', 'max_connections'),
          ],
        }),
        timeseries({
          title: 'Backends per database',
          unit: 'short',
          w: 10,
          targets: [prom('sum by (datname) (pg_stat_database_numbackends)', '{{datname}}')],
        }),
        timeseries({
          title: 'Commits and rollbacks',
          unit: 'ops',
          targets: [
            prom(perDb('pg_stat_database_xact_commit'), '{{datname}} commit'),
            prom(perDb('pg_stat_database_xact_rollback'), '{{datname}} rollback'),
          ],
        }),
        timeseries({
          title: 'Cache hit ratio',
          unit: 'percentunit',
          max: 1,
          thresholds: steps([0, 'red'], [0.9, 'orange'], [0.99, 'green']),
          targets: [
            prom(
              `${perDb('pg_stat_database_blks_hit')} / (${perDb('pg_stat_database_blks_hit')} + ${perDb('pg_stat_database_blks_read')})`,
              '{{datname}}',
            ),
          ],
        }),
        timeseries({
          title: 'Deadlocks',
          unit: 'short',
          thresholds: steps([1, 'red']),
          targets: [
            prom('sum by (datname) (increase(pg_stat_database_deadlocks[$__rate_interval]))', '{{datname}}'),
          ],
        }),
        table({
          title: 'Slowest queries (mean time per call, selected range)',
          description:
            'Top 10 pg_stat_statements entries. Find the text with SELECT query FROM pg_stat_statements WHERE queryid = …',
          unit: 's',
          w: 24,
          h: 10,
          targets: [
            prom(slowest, '', { instant: true, format: 'table' }),
            prom(ofSlowest(statement('pg_stat_statements_calls_total')), '', {
              instant: true,
              format: 'table',
            }),
            prom(ofSlowest(statement('pg_stat_statements_seconds_total')), '', {
              instant: true,
              format: 'table',
            }),
            prom(ofSlowest(statement('pg_stat_statements_rows_total')), '', {
              instant: true,
              format: 'table',
            }),
          ],
          overrides: [column('Calls', 'short'), column('Rows', 'short')],
          sortBy: [{ displayName: 'Mean per call', desc: true }],
          transformations: [
            { id: 'merge', options: {} },
            {
              id: 'organize',
              options: {
                excludeByName: { Time: true },
                indexByName: {},
                renameByName: {
                  datname: 'Database',
                  queryid: 'Query id',
                  'Value #A': 'Mean per call',
                  'Value #B': 'Calls',
                  'Value #C': 'Total time',
                  'Value #D': 'Rows',
                },
              },
            },
          ],
        }),
      ],
    },
  ],
})
