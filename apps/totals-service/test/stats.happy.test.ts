import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startTestAuth, type TestAuth, type TestSession } from '@careforall/devkit/testing'
import { dayOf } from '../src/domain/days'
import { captured, payment, refunded } from './support/events'
import { applied, createTotalsWorld, type Instance, type TotalsWorld } from './support/totals-world'

let world: TotalsWorld
let auth: TestAuth
let totals: Instance
let admin: TestSession

beforeAll(async () => {
  world = await createTotalsWorld()
  auth = await startTestAuth(world.resources)
  totals = await world.start({ env: { AUTH_JWKS_URL: auth.jwksUrl } })
  admin = await auth.admin()
}, 60_000)
afterAll(async () => {
  await auth?.stop()
  await world?.close()
}, 30_000)

const at = (iso: string) => new Date(iso)

describe('per-day statistics for the admin panel', () => {
  it('buckets captures and refunds by the UTC day the payment service recorded them, quiet days included', async () => {
    const [one, two, three] = [
      payment(crypto.randomUUID()),
      payment(crypto.randomUUID()),
      payment(crypto.randomUUID()),
    ]
    const events = [
      captured(one, 1000, at('2026-03-01T00:10:00Z')),
      captured(two, 500, at('2026-03-01T23:59:59+00:00')),
      // 01:00 in UTC+02:00 is still the last day of February in UTC.
      captured(three, 250, at('2026-03-01T01:00:00+02:00')),
      refunded(two, 200, crypto.randomUUID(), at('2026-03-03T12:00:00Z')),
    ]
    await world.publish([...events, events[1]!])
    await applied(
      world.sql,
      events.map((event) => event.id),
    )

    const res = await totals.app.request('/api/totals/stats?from=2026-02-28&to=2026-03-04&bucket=day', {
      headers: admin.headers,
    })
    expect(res.status).toBe(200)
    const zero = { capturedAmount: 0, refundedAmount: 0, netAmount: 0, pledgesCaptured: 0, refunds: 0 }
    expect(await res.json()).toEqual({
      bucket: 'day',
      from: '2026-02-28',
      to: '2026-03-04',
      items: [
        { day: '2026-02-28', ...zero, capturedAmount: 2.5, netAmount: 2.5, pledgesCaptured: 1 },
        { day: '2026-03-01', ...zero, capturedAmount: 15, netAmount: 15, pledgesCaptured: 2 },
        { day: '2026-03-02', ...zero },
        { day: '2026-03-03', ...zero, refundedAmount: 2, netAmount: -2, refunds: 1 },
        { day: '2026-03-04', ...zero },
      ],
    })
  })

  it('covers the last 30 days up to today when no range is given', async () => {
    const res = await totals.app.request('/api/totals/stats', { headers: admin.headers })
    expect(res.status).toBe(200)
    const body = (await res.json()) as { from: string; to: string; items: unknown[] }
    expect(body.to).toBe(dayOf(new Date()))
    expect(body.items).toHaveLength(30)
  })
})
