import type { DataQuery, DataSourceRef } from '@grafana/schema'

/** The datasources of provisioning/datasources/datasources.yml, by their fixed uids. */
export const datasources = {
  prometheus: { type: 'prometheus', uid: 'prometheus' },
  jaeger: { type: 'jaeger', uid: 'jaeger' },
  logs: { type: 'elasticsearch', uid: 'elasticsearch-logs' },
  events: { type: 'elasticsearch', uid: 'elasticsearch-events' },
} as const satisfies Record<string, DataSourceRef>

/** A query without its refId: the panel builder names them A, B, C… in order. */
export type Query = Omit<DataQuery, 'refId'> & { datasource: DataSourceRef } & Record<string, unknown>

interface PromOptions {
  /** One value per series at the end of the range (stat and table panels). */
  instant?: boolean
  format?: 'time_series' | 'table'
}

/** A PromQL query; `legend` is a Grafana legend format such as `{{job}}`. */
export function prom(expr: string, legend = '__auto', { instant = false, format }: PromOptions = {}): Query {
  return {
    datasource: datasources.prometheus,
    editorMode: 'code',
    expr,
    legendFormat: legend,
    range: !instant,
    instant,
    ...(format ? { format } : {}),
  }
}

/** Raw log documents matching a Lucene query, newest first. */
export function logLines(query: string): Query {
  return {
    datasource: datasources.logs,
    query,
    metrics: [{ id: '1', type: 'logs' }],
    bucketAggs: [],
    timeField: '@timestamp',
  }
}

/** The number of domain events per time bucket matching a Lucene query. */
export function eventCount(query: string): Query {
  return {
    datasource: datasources.events,
    query,
    alias: 'events',
    metrics: [{ id: '1', type: 'count' }],
    bucketAggs: [{ id: '2', type: 'date_histogram', field: '@timestamp', settings: { interval: 'auto' } }],
    timeField: '@timestamp',
  }
}

/** Rate over Grafana's rate interval (at least four scrapes), the usual window for graphs. */
export const rate = (selector: string): string => `rate(${selector}[$__rate_interval])`

/** A histogram quantile of `metric` (the histogram's base name), summed by `by` plus `le`. */
export function quantile(q: number, metric: string, matchers: string, by: string[]): string {
  const buckets = matchers ? `${metric}_bucket{${matchers}}` : `${metric}_bucket`
  return `histogram_quantile(${q}, sum by (${[...by, 'le'].join(', ')}) (${rate(buckets)}))`
}
