import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { DEGRADED_TTL_MS } from '../src/read-model/cache'
import { STALENESS_BOUND_MS } from '../src/read-model/change-listener'
import { captured, payment, refunded } from './support/events'
import { applied, createTotalsWorld, type Instance, type TotalsWorld, waitFor } from './support/totals-world'

let world: TotalsWorld
/** Consumes the durable queue and reads. */
let writer: Instance
/** Only reads: it learns of changes through its own fan-out queue, never by applying them. */
let reader: Instance

beforeAll(async () => {
  world = await createTotalsWorld()
  writer = await world.start()
  reader = await world.start({ consume: false })
}, 30_000)
afterAll(async () => {
  await world?.close()
}, 30_000)

async function amountOn(instance: Instance, campaignId: string): Promise<number> {
  const res = await instance.app.request(`/api/totals/${campaignId}`)
  return ((await res.json()) as { totalAmount: number }).totalAmount
}

describe('reads served from memory', () => {
  it('runs no SQL at all for a cached campaign, however many reads', async () => {
    const campaignId = crypto.randomUUID()
    const event = captured(payment(campaignId), 4200)
    await world.publish([event])
    await applied(world.sql, [event.id])

    const before = writer.queries()
    expect(await amountOn(writer, campaignId)).toBe(42) // the miss: one query
    expect(writer.queries() - before).toBe(1)
    const warm = writer.queries()
    const reads = await Promise.all(Array.from({ length: 2000 }, () => amountOn(writer, campaignId)))
    expect(reads.every((amount) => amount === 42)).toBe(true)
    expect(writer.queries()).toBe(warm)
  })

  it('loads a missing campaign once for all the readers waiting on it', async () => {
    const campaignId = crypto.randomUUID()
    const before = writer.queries()
    const reads = await Promise.all(Array.from({ length: 50 }, () => amountOn(writer, campaignId)))
    expect(reads.every((amount) => amount === 0)).toBe(true)
    expect(writer.queries() - before).toBe(1)
  })
})

describe('every instance hears of every change', () => {
  it(`shows another instance's change within ${STALENESS_BOUND_MS} ms of its commit`, async () => {
    const campaignId = crypto.randomUUID()
    const donor = payment(campaignId)
    expect(await amountOn(reader, campaignId)).toBe(0) // now cached on the reader
    const delays: number[] = []
    let expected = 0
    for (const [index, amountCents] of [1000, 250, 5000, 1, 999].entries()) {
      const event =
        index === 3 ? refunded(donor, 600) : captured(index === 0 ? donor : payment(campaignId), amountCents)
      expected += index === 3 ? -600 : amountCents
      await world.publish([event])
      await applied(world.sql, [event.id], 5000, 1)
      const committed = performance.now()
      await waitFor(
        () => amountOn(reader, campaignId),
        (amount) => amount === expected / 100,
        STALENESS_BOUND_MS,
        2,
      )
      delays.push(performance.now() - committed)
    }
    expect(Math.max(...delays)).toBeLessThan(STALENESS_BOUND_MS)
    expect(reader.cache.size()).toBeGreaterThan(0)
    console.log(`fan-out visibility after commit, ms: ${delays.map((d) => d.toFixed(1)).join(', ')}`)
  }, 20_000)

  it('pushes a change to the other instance without one query per read there', async () => {
    const campaignId = crypto.randomUUID()
    await amountOn(reader, campaignId)
    const event = captured(payment(campaignId), 700)
    await world.publish([event])
    await waitFor(
      () => amountOn(reader, campaignId),
      (amount) => amount === 7,
      STALENESS_BOUND_MS * 5,
    )
    const settled = reader.queries()
    await Promise.all(Array.from({ length: 500 }, () => amountOn(reader, campaignId)))
    expect(reader.queries()).toBe(settled)
  })

  it('re-reads on access, at most once a second per campaign, while its broker connection is down', async () => {
    const offline = await world.start({ consume: false })
    const campaignId = crypto.randomUUID()
    expect(await amountOn(offline, campaignId)).toBe(0)
    await offline.broker.close()
    const event = captured(payment(campaignId), 1500)
    await world.publish([event])
    await applied(world.sql, [event.id])
    const started = performance.now()
    await waitFor(
      () => amountOn(offline, campaignId),
      (amount) => amount === 15,
      DEGRADED_TTL_MS * 3,
      20,
    )
    expect(performance.now() - started).toBeLessThan(DEGRADED_TTL_MS * 2)
    // Then it holds again for up to a second: a burst of reads is still one query.
    const before = offline.queries()
    await Promise.all(Array.from({ length: 200 }, () => amountOn(offline, campaignId)))
    expect(offline.queries() - before).toBeLessThanOrEqual(1)
  }, 20_000)
})
