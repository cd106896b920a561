import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { metricsText, startTelemetry } from '@careforall/otel'
import { createDb, type GaugeRow, observeDatabase, type Sql, withTransaction } from '../src'
import { createTestResources, type TestResources } from '../src/testing'

// Pool use, transaction durations and the business gauges a service reads from its own tables,
// as Prometheus scrapes them from /metrics.
startTelemetry({ serviceName: 'db-metrics-test' })
let world: TestResources
let sql: Sql
let reads = 0

beforeAll(async () => {
  world = await createTestResources()
  sql = createDb({ url: world.databaseUrl('campaign'), schema: 'campaign', max: 3 })
  await sql`create table widgets (id serial primary key, color text not null)`
  await sql`insert into widgets (color) values ('red'), ('red'), ('blue')`
})

afterAll(async () => {
  await sql?.end({ timeout: 1 })
  await world?.cleanup()
})

const lineOf = (text: string, prefix: string) => text.split('\n').find((line) => line.startsWith(prefix))

describe('observeDatabase', () => {
  it('exports the pool and each gauge, zero-filling the label values the query did not return', async () => {
    const observer = observeDatabase(sql, {
      applicationName: 'careforall-campaign',
      poolMax: 3,
      refreshMs: 60_000,
      gauges: [
        {
          name: 'test_widgets',
          description: 'Widgets by color',
          label: 'color',
          labelValues: ['red', 'blue', 'green'],
          read: (db) => {
            reads++
            return db<GaugeRow[]>`select color as label, count(*)::int as value from widgets group by color`
          },
        },
      ],
    })
    try {
      const text = await metricsText()
      expect(lineOf(text, 'test_widgets{color="red"')).toEndWith(' 2')
      expect(lineOf(text, 'test_widgets{color="blue"')).toEndWith(' 1')
      expect(lineOf(text, 'test_widgets{color="green"')).toEndWith(' 0')
      expect(lineOf(text, 'db_pool_max')).toEndWith(' 3')
      // The reading connection itself is active while it counts.
      expect(Number(lineOf(text, 'db_pool_connections{state="active"')?.split(' ').pop())).toBeGreaterThan(0)

      // Within the refresh interval a scrape reports the cached readings without a query.
      await sql`insert into widgets (color) values ('green')`
      const again = await metricsText()
      expect(reads).toBe(1)
      expect(lineOf(again, 'test_widgets{color="green"')).toEndWith(' 0')
    } finally {
      observer.stop()
    }
  })

  it('never holds a scrape longer than its timeout when the database is slow', async () => {
    const observer = observeDatabase(sql, {
      applicationName: 'careforall-campaign',
      poolMax: 3,
      timeoutMs: 200,
      gauges: [
        {
          name: 'test_slow',
          description: 'Slow',
          read: (db) => db<GaugeRow[]>`select pg_sleep(2), 1 as value`,
        },
      ],
    })
    try {
      const started = performance.now()
      const text = await metricsText()
      expect(performance.now() - started).toBeLessThan(1500)
      expect(text).toContain('db_pool_max')
    } finally {
      observer.stop()
    }
  })
})

describe('withTransaction', () => {
  it('records each named transaction with its outcome', async () => {
    await withTransaction(sql, (tx) => tx`select 1`, { name: 'test.commit' })
    await withTransaction(sql, () => Promise.reject(new Error('no')), { name: 'test.rollback' }).catch(
      () => undefined,
    )
    const text = await metricsText()
    expect(text).toMatch(
      /db_transaction_duration_seconds_count\{db_transaction="test.commit",outcome="commit"[^}]*\} 1/,
    )
    expect(text).toMatch(
      /db_transaction_duration_seconds_count\{db_transaction="test.rollback",outcome="rollback"[^}]*\} 1/,
    )
  })
})
