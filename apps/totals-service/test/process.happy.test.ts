import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import {
  describeServiceBasics,
  type RunningService,
  spawnService,
  worldEnv,
} from '@careforall/devkit/testing'
import { openSse } from './support/sse'

describeServiceBasics({
  name: 'totals',
  schema: 'totals',
  tables: ['campaign_totals', 'payment_ledger', 'refunds', 'daily_stats', 'rebuild_staging'],
  checks: ['postgres', 'rabbitmq', 'redis'],
})

describe('totals-service shutting down with event streams open', () => {
  let world: TestResources
  let service: RunningService

  beforeAll(async () => {
    world = await createTestResources()
    service = await spawnService('totals', worldEnv(world, 'totals'))
  }, 60_000)
  afterAll(async () => {
    await service?.stop()
    await world?.cleanup()
  })

  it('exports its read-model metrics', async () => {
    const metrics = await (await fetch(`${service.url}/metrics`)).text()
    expect(metrics).toContain('totals_cache_entries')
    expect(metrics).toContain('totals_stream_clients')
  })

  it('ends its streams at once on SIGTERM instead of waiting out the drain', async () => {
    const streams = await Promise.all(
      Array.from({ length: 3 }, () => openSse(`${service.url}/api/totals/${crypto.randomUUID()}/stream`)),
    )
    for (const stream of streams) expect((await stream.nextEvent()).id).toBe('0')
    const started = performance.now()
    expect(await service.stop()).toBe(0)
    expect(performance.now() - started).toBeLessThan(5000)
    for (const stream of streams) await expect(stream.next(2000)).rejects.toThrow('the stream ended')
  })
})
