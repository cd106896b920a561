import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { captured, payment } from './support/events'
import { startGateway } from './support/gateway'
import { openSse, type SseClient } from './support/sse'
import { applied, createTotalsWorld, type Instance, type TotalsWorld } from './support/totals-world'

interface Body {
  campaignId: string
  totalAmount: number
  totalPledges: number
  totalDonors: number
  lastUpdated: string | null
}

let world: TotalsWorld
/** Consumes, with heartbeats every 200 ms. */
let totals: Instance
let url: string
const streams: SseClient[] = []

beforeAll(async () => {
  world = await createTotalsWorld()
  totals = await world.start({ env: { SSE_HEARTBEAT_MS: 200 } })
  url = totals.serve()
}, 30_000)
afterAll(async () => {
  for (const stream of streams) stream.close()
  await world?.close()
}, 30_000)

async function open(base: string, campaignId: string, headers: Record<string, string> = {}) {
  const stream = await openSse(`${base}/api/totals/${campaignId}/stream`, headers)
  streams.push(stream)
  return stream
}

async function pay(campaignId: string, amountCents: number) {
  const event = captured(payment(campaignId), amountCents)
  await world.publish([event])
  await applied(world.sql, [event.id])
}

describe('server-sent totals', () => {
  it('sends the current totals at once, then each change, to every subscriber for one load', async () => {
    const campaignId = crypto.randomUUID()
    await pay(campaignId, 1000)
    const before = totals.queries()
    const clients = await Promise.all(Array.from({ length: 40 }, () => open(url, campaignId)))
    expect(clients[0]!.res.headers.get('content-type')).toBe('text/event-stream')
    for (const client of clients) {
      expect(await client.nextEvent<Body>()).toEqual({
        id: '1',
        body: expect.objectContaining({ campaignId, totalAmount: 10, totalPledges: 1, totalDonors: 1 }),
      })
    }
    expect(totals.queries() - before).toBe(1)

    await pay(campaignId, 250)
    for (const client of clients) {
      expect(await client.nextEvent<Body>()).toEqual({
        id: '2',
        body: expect.objectContaining({ totalAmount: 12.5, totalPledges: 2, totalDonors: 2 }),
      })
    }
    for (const client of clients) client.close()
    await Bun.sleep(50)
    expect(totals.cache.subscribers.count()).toBe(0)
  })

  it('keeps a quiet stream alive with comment lines', async () => {
    const stream = await open(url, crypto.randomUUID())
    expect((await stream.nextEvent<Body>()).body.totalAmount).toBe(0)
    expect(await stream.next(1000)).toEqual({ comment: 'keep-alive' })
  })

  it('resumes with Last-Event-ID: nothing while up to date, the current totals once they are newer', async () => {
    const campaignId = crypto.randomUUID()
    await pay(campaignId, 300)
    const upToDate = await open(url, campaignId, { 'last-event-id': '1' })
    expect(await upToDate.quietFor(500)).toBe(true)
    await pay(campaignId, 200)
    expect(await upToDate.nextEvent<Body>()).toMatchObject({ id: '2', body: { totalAmount: 5 } })

    const behind = await open(url, campaignId, { 'last-event-id': '1' })
    expect(await behind.nextEvent<Body>()).toMatchObject({ id: '2', body: { totalAmount: 5 } })
    // An id that is not one of ours starts over with the current totals.
    const stranger = await open(url, campaignId, { 'last-event-id': '999999' })
    expect(await stranger.nextEvent<Body>()).toMatchObject({ id: '2' })
  })

  it('reaches a subscriber through the gateway, across quiet spells longer than both idle timeouts', async () => {
    // A second instance that does not consume, with Bun's shortest idle timeout and no heartbeat
    // in the window: the update arrives by its fan-out queue, and only `timeout(req, 0)` on both
    // hops keeps the stream open across the 4.5 s pause (Bun's idle timer ticks every 4 s).
    const quiet = await world.start({ consume: false, env: { SSE_HEARTBEAT_MS: 60_000 } })
    const gateway = startGateway(quiet.serve({ idleTimeout: 1 }), { idleTimeout: 1 })
    try {
      const campaignId = crypto.randomUUID()
      await pay(campaignId, 4000)
      const stream = await open(gateway.url, campaignId)
      expect(stream.res.status).toBe(200)
      expect(stream.res.headers.get('content-type')).toBe('text/event-stream')
      expect(await stream.nextEvent<Body>()).toMatchObject({ id: '1', body: { campaignId, totalAmount: 40 } })
      await Bun.sleep(4500)
      await pay(campaignId, 1)
      expect(await stream.nextEvent<Body>(3000)).toMatchObject({
        id: '2',
        body: { totalAmount: 40.01, totalPledges: 2 },
      })
    } finally {
      gateway.stop()
    }
  }, 20_000)
})
