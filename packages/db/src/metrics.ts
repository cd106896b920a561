import { durationBuckets, meter } from '@careforall/otel'
import type { BatchObservableResult, Histogram, Meter, ObservableGauge } from '@opentelemetry/api'
import type { Queryable, Sql } from './client'

/** One reading of a gauge kept in the database: a value, and the label value it is for. */
export interface GaugeRow {
  label?: string | null
  value: number | string
}

/**
 * A gauge whose value lives in the service's own tables (pledges by state, amount captured),
 * read when Prometheus scrapes, at most once per refresh interval. Every instance of a service
 * reports the same value: dashboards take `max()`, not `sum()`.
 */
export interface DbGauge {
  /** `careforall_pledges` */
  name: string
  description: string
  /** The label the rows' `label` column fills (`state`); none for a single value. */
  label?: string
  /** Label values reported as 0 when the query returns no row for them (every state, always). */
  labelValues?: readonly string[]
  read(sql: Queryable): Promise<readonly GaugeRow[]>
}

export interface DbMetricsOptions {
  /** The pool's `application_name`: its connections are counted in `pg_stat_activity`. */
  applicationName: string
  poolMax: number
  gauges?: readonly DbGauge[]
  /** Readings older than this are read again at the next scrape. */
  refreshMs?: number
  /** A scrape never waits longer than this for the database; it reports the last readings. */
  timeoutMs?: number
}

const POOL_STATES = ['active', 'idle', 'idle_in_transaction'] as const

/** The pool gauges every service with a database exports. */
function poolGauges(applicationName: string): DbGauge {
  return {
    name: 'db_pool_connections',
    description:
      "Connections of this service's pool by state, from pg_stat_activity (all instances of the service together)",
    label: 'state',
    labelValues: POOL_STATES,
    read: (sql) => sql<GaugeRow[]>`
      select replace(coalesce(state, 'other'), ' ', '_') as label, count(*)::int as value
      from pg_stat_activity
      where usename = current_user and application_name = ${applicationName}
      group by 1`,
  }
}

/**
 * Exports the pool's use and the service's business gauges, read from PostgreSQL when scraped.
 * Readings are cached for `refreshMs` and a slow database never holds a scrape past `timeoutMs`:
 * the last readings are reported instead. Returns a stop function.
 */
export function observeDatabase(sql: Sql, options: DbMetricsOptions): { stop(): void } {
  const m = meter()
  const all = [poolGauges(options.applicationName), ...(options.gauges ?? [])]
  const instruments = new Map<DbGauge, ObservableGauge>(
    all.map((gauge) => [gauge, m.createObservableGauge(gauge.name, { description: gauge.description })]),
  )
  const max = m.createObservableGauge('db_pool_max', { description: "This instance's pool size" })
  const refreshMs = options.refreshMs ?? 10_000
  const timeoutMs = options.timeoutMs ?? 1000
  const readings = new Map<DbGauge, readonly GaugeRow[]>()
  let readAt = 0
  let reading: Promise<void> | undefined

  const refresh = () => {
    reading ??= Promise.all(
      all.map(async (gauge) => {
        const rows = await gauge.read(sql).catch(() => undefined)
        if (rows) readings.set(gauge, rows)
      }),
    ).then(() => {
      readAt = Date.now()
      reading = undefined
    })
    return reading
  }

  const observe = async (result: BatchObservableResult) => {
    result.observe(max, options.poolMax)
    if (Date.now() - readAt > refreshMs) {
      let timer: Timer | undefined
      await Promise.race([refresh(), new Promise((resolve) => (timer = setTimeout(resolve, timeoutMs)))])
      clearTimeout(timer)
    }
    for (const [gauge, rows] of readings) {
      const instrument = instruments.get(gauge)!
      const seen = new Set<string>()
      for (const row of rows) {
        const label = row.label ?? undefined
        if (label !== undefined) seen.add(label)
        const attributes = gauge.label && label !== undefined ? { [gauge.label]: label } : {}
        result.observe(instrument, Number(row.value), attributes)
      }
      for (const value of gauge.labelValues ?? []) {
        if (!seen.has(value)) result.observe(instrument, 0, { [gauge.label!]: value })
      }
    }
  }
  const observables = [max, ...instruments.values()]
  m.addBatchObservableCallback(observe, observables)
  return { stop: () => m.removeBatchObservableCallback(observe, observables) }
}

let transactions: { meter: Meter; duration: Histogram } | undefined

/**
 * `db_transaction_duration_seconds{db_transaction, outcome}`. The histogram is remade when the
 * meter changes: one taken before the SDK started (a no-op) must not stay in use after it starts.
 */
export function recordTransaction(name: string, seconds: number, outcome: 'commit' | 'rollback'): void {
  const m = meter()
  if (transactions?.meter !== m) {
    transactions = {
      meter: m,
      duration: m.createHistogram('db_transaction_duration_seconds', {
        description: 'Time from BEGIN to COMMIT or ROLLBACK of a named transaction, retries included',
        unit: 's',
        advice: { explicitBucketBoundaries: durationBuckets },
      }),
    }
  }
  transactions.duration.record(seconds, { db_transaction: name, outcome })
}
