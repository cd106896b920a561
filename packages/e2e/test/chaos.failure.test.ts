import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import postgres from 'postgres'
import { eventually, PlatformClient, type RunningPlatform, startPlatform } from '../src'
import { e2eEnv } from '../src/env'
import { type BrokerFault, brokerFault, pidOn, terminateConnections } from '../src/faults'

// The platform heals itself: 1,000 pledges through the gateway while the sandbox duplicates,
// delays and reorders its webhooks, and mid-flow the broker goes away and comes back, every
// database connection of the services is cut, and the payment service is SIGKILLed. Afterwards
// every service is ready again on its own, every pledge is terminal, and the totals, pledge and
// donor counts are exactly what the provider's ledger captured, each pledge charged once.
const PLEDGES = e2eEnv.CHAOS_PLEDGES
const CONCURRENCY = 24
const CAMPAIGNS = 3
const INTERNAL = { 'x-internal-secret': 'dev-internal-secret-change-me' }

let world: TestResources
let platform: RunningPlatform
let api: PlatformClient
let sql: postgres.Sql
let broker: BrokerFault

beforeAll(async () => {
  world = await createTestResources()
  platform = await startPlatform(world, {
    env: {
      DEV_SEED: 'false',
      LOG_LEVEL: 'warn',
      SANDBOX_CHAOS: 'dup=2,delayMs=0..300,reorder=1,seed=11',
      SANDBOX_RETRY_BASE_MS: '200',
      SANDBOX_RETRY_MAX_MS: '2000',
      PROVIDER_RETRY_BASE_MS: '100',
      RECOVERY_LEASE_MS: '2000',
      WEBHOOK_APPLY_INTERVAL_MS: '200',
    },
  })
  api = new PlatformClient(platform.gateway)
  sql = postgres(world.adminUrl, { max: 2, onnotice: () => undefined })
  broker = brokerFault(world, e2eEnv.CHAOS_BROKER)
}, 180_000)

afterAll(async () => {
  if (e2eEnv.CHAOS_OUTPUT && platform) await Bun.write(e2eEnv.CHAOS_OUTPUT, platform.output())
  await broker?.restore()
  await sql?.end()
  await platform?.stop()
  await world?.cleanup()
}, 60_000)

interface Submitted {
  id: string
  campaignId: string
  amountCents: number
  donor: string
  declined: boolean
}

/** A client that retries its POST with the same key until it gets an answer, as a real one would. */
async function pledge(index: number, campaignId: string): Promise<Submitted> {
  const declined = index % 10 === 9
  const amountCents = 100 + (index % 50) * 25
  const donor = `donor${index % 200}@example.com`
  const key = `chaos-${index}`
  for (let attempt = 0; ; attempt++) {
    const res = await api
      .call<{ id: string }>('POST', '/api/pledges', {
        headers: { 'idempotency-key': key },
        body: {
          campaignId,
          amount: amountCents / 100,
          donorEmail: donor,
          paymentMethod: declined ? 'pm_decline' : 'pm_ok',
        },
      })
      .catch(() => undefined)
    if (res?.status === 201) return { id: res.body.id, campaignId, amountCents, donor, declined }
    if (attempt > 120)
      throw new Error(`pledge ${index} never accepted: ${res?.status} ${JSON.stringify(res?.body)}`)
    await Bun.sleep(250)
  }
}

/** Which services `/api/status` does not report ready, with what they say is down. */
async function notReady(): Promise<string[]> {
  const res = await fetch(`${platform.gateway}/api/status`).catch(() => undefined)
  if (!res) return ['gateway']
  const body = (await res.json().catch(() => ({}))) as {
    services?: Record<string, { status: string; checks?: Record<string, string> }>
  }
  const services = Object.entries(body.services ?? {})
  if (services.length === 0) return ['gateway']
  return services
    .filter(([, s]) => s.status !== 'ready')
    .map(([name, s]) => {
      const down = Object.entries(s.checks ?? {}).filter(([, state]) => state === 'down')
      return `${name} (${s.status}${down.length ? `: ${down.map(([check]) => check).join(', ')}` : ''})`
    })
}

describe('the platform heals itself after faults', () => {
  it('takes 1,000 pledges through a broker outage, cut database connections and a killed service, and converges exactly', async () => {
    const owner = await api.register('owner')
    const campaigns = await Promise.all(
      Array.from({ length: CAMPAIGNS }, () => api.activeCampaign(owner.token)),
    )
    const faults: { at: number; what: string; t: number }[] = []
    const started = Date.now()
    const fault = async (what: string, run: () => Promise<unknown>) => {
      faults.push({ at: submitted.length, what, t: Date.now() - started })
      await run()
    }
    const submitted: Submitted[] = []
    let next = 0
    const schedule = [
      {
        at: Math.floor(PLEDGES * 0.15),
        what: 'broker outage (3 s)',
        run: () => broker.outage(3000),
      },
      {
        at: Math.floor(PLEDGES * 0.4),
        what: 'every database connection of the services terminated',
        run: () => terminateConnections(sql, world.database),
      },
      {
        at: Math.floor(PLEDGES * 0.65),
        what: 'payment-service SIGKILLed',
        run: async () => process.kill(await pidOn(3004 + platform.portOffset), 'SIGKILL'),
      },
    ]
    // Each fault fires at its point of the flow, whether or not the one before is over.
    const faultsDone = Promise.all(
      schedule.map(async (step) => {
        while (submitted.length < step.at) await Bun.sleep(20)
        await fault(step.what, step.run)
      }),
    )
    await Promise.all(
      Array.from({ length: CONCURRENCY }, async () => {
        while (next < PLEDGES) {
          const index = next++
          submitted.push(await pledge(index, campaigns[index % CAMPAIGNS]!))
        }
      }),
    )
    await faultsDone
    const lastFault = started + Math.max(...faults.map((f) => f.t))

    // Every service ready again, on its own, within 30 s of the last fault.
    let lastDown = ''
    const down = await eventually(
      async () => {
        const names = await notReady()
        if (names.join() !== lastDown)
          console.log(
            `+${((Date.now() - lastFault) / 1000).toFixed(1)} s not ready: ${names.join(', ') || 'none'}`,
          )
        lastDown = names.join()
        return names
      },
      (names) => names.length === 0,
      300_000,
      250,
    )
    const readyAfterMs = Date.now() - lastFault
    expect(down).toEqual([])

    // Every pledge terminal.
    const ids = submitted.map((p) => p.id)
    // A client's retried POST made no second pledge.
    expect(new Set(ids).size).toBe(PLEDGES)
    const [{ n: stored }] = (await sql`
      select count(*)::int as n from pledge.pledges where campaign_id in ${sql(campaigns)}`) as [
      { n: number },
    ]
    expect(stored).toBe(PLEDGES)
    const pending = await eventually(
      async () =>
        (
          await sql<{ n: number }[]>`
            select count(*)::int as n from pledge.pledges
            where id in ${sql(ids)} and state not in ('CAPTURED', 'FAILED')`
        )[0]!.n,
      (n) => n === 0,
      120_000,
      500,
    )
    const settledAfterMs = Date.now() - lastFault
    const states = await sql<{ id: string; state: string }[]>`
      select id, state from pledge.pledges where id in ${sql(ids)}`
    const stateOf = new Map(states.map((s) => [s.id, s.state]))

    // Exactly what the provider captured, and each pledge charged at most once.
    const ledgerCents = new Map<string, number>()
    for (const p of submitted) {
      const res = await fetch(`${platform.serviceUrl('payment')}/sandbox/v1/ledger?reference=${p.id}`, {
        headers: INTERNAL,
      })
      const { items } = (await res.json()) as {
        items: { capturedCents: number; operations: { object: string }[] }[]
      }
      expect(items.length).toBeLessThanOrEqual(1)
      const operations = items.flatMap((i) => i.operations.map((op) => op.object))
      expect(operations.filter((op) => op === 'authorization').length).toBeLessThanOrEqual(1)
      expect(operations.filter((op) => op === 'capture').length).toBeLessThanOrEqual(1)
      ledgerCents.set(p.id, items[0]?.capturedCents ?? 0)
    }
    const totals: { campaignId: string; cents: number; pledges: number; donors: number }[] = []
    for (const campaignId of campaigns) {
      const mine = submitted.filter((p) => p.campaignId === campaignId)
      const captured = mine.filter((p) => stateOf.get(p.id) === 'CAPTURED')
      const expected = {
        campaignId,
        cents: captured.reduce((sum, p) => sum + p.amountCents, 0),
        pledges: captured.length,
        donors: new Set(captured.map((p) => p.donor)).size,
      }
      expect(captured.reduce((sum, p) => sum + ledgerCents.get(p.id)!, 0)).toBe(expected.cents)
      const total = await eventually(
        () =>
          api.call<{ totalAmount: number; totalPledges: number; totalDonors: number }>(
            'GET',
            `/api/totals/${campaignId}`,
          ),
        (r) => Math.round(r.body.totalAmount * 100) === expected.cents,
        30_000,
      )
      expect({
        campaignId,
        cents: Math.round(total.body.totalAmount * 100),
        pledges: total.body.totalPledges,
        donors: total.body.totalDonors,
      }).toEqual(expected)
      totals.push(expected)
    }
    // Declined cards failed, every other pledge was captured.
    for (const p of submitted) expect(stateOf.get(p.id)).toBe(p.declined ? 'FAILED' : 'CAPTURED')

    // Nothing parked in a dead-letter queue.
    const dlqs = (await broker.queues()).filter((q) => q.name.endsWith('.dlq') && q.messages > 0)
    expect(dlqs).toEqual([])

    // Recovered by itself: no service had to be restarted by its watchdog.
    const output = platform.output()
    expect(output).not.toContain('exiting so the supervisor starts a fresh process')
    // And none crashed: the dev runner restarted the one service that was killed, nothing else.
    const restarted = [...output.matchAll(/^\[(\w+)\][^\n]*; restarting in/gm)].map((m) => m[1])
    expect(restarted).toEqual(['payment'])

    console.log(
      [
        `chaos: the platform as \`bun run dev\` starts it, except: no file watching, pools of 5, LOG_LEVEL=warn, short provider and webhook retry delays, broker fault '${e2eEnv.CHAOS_BROKER}'`,
        `chaos: ${submitted.length} pledges (${CONCURRENCY} at a time, ${CAMPAIGNS} campaigns) in ${((lastFault - started) / 1000).toFixed(1)} s to the last fault`,
        ...faults.map((f) => `  fault at pledge ${f.at} (+${(f.t / 1000).toFixed(1)} s): ${f.what}`),
        `  every service ready ${(readyAfterMs / 1000).toFixed(1)} s after the last fault; every pledge terminal after ${(settledAfterMs / 1000).toFixed(1)} s (${pending} left)`,
        `  restarted by the dev runner: ${restarted.join(', ')} (the SIGKILLed service); by a watchdog: none`,
        `  captured ${[...stateOf.values()].filter((s) => s === 'CAPTURED').length}, failed ${[...stateOf.values()].filter((s) => s === 'FAILED').length}`,
        ...totals.map(
          (t) =>
            `  campaign ${t.campaignId}: ${(t.cents / 100).toFixed(2)} from ${t.pledges} pledges, ${t.donors} donors (exact)`,
        ),
      ].join('\n'),
    )
    expect(readyAfterMs).toBeLessThan(30_000)
  }, 420_000)
})
