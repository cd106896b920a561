import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import postgres from 'postgres'
import { eventually, PlatformClient, type RunningPlatform, startPlatform } from '../src'
import { pidOn } from '../src/faults'

// Failure 2: a process dies between a provider call and its commit, or between a commit and its
// publish. The payment service is armed to exit(137) once, right after the sandbox answered the
// authorization and before it records that; `bun run dev` restarts it, as any supervisor would.
const faultFile = join(mkdtempSync(join(tmpdir(), 'cfa-fault-')), 'fired')
const INTERNAL = { 'x-internal-secret': 'dev-internal-secret-change-me' }

let world: TestResources
let platform: RunningPlatform
let api: PlatformClient
let sql: postgres.Sql
let owner: { token: string; userId: string }

beforeAll(async () => {
  world = await createTestResources()
  platform = await startPlatform(world, {
    env: {
      DEV_SEED: 'false',
      LOG_LEVEL: 'warn',
      FAULT_POINT: 'after-authorize-call',
      FAULT_POINT_ONCE_FILE: faultFile,
      RECOVERY_LEASE_MS: '1000',
      RECOVERY_SWEEP_INTERVAL_MS: '200',
      WEBHOOK_APPLY_INTERVAL_MS: '200',
      PROVIDER_RETRY_BASE_MS: '100',
      SANDBOX_POLL_MS: '50',
      SANDBOX_RETRY_BASE_MS: '200',
      SANDBOX_RETRY_MAX_MS: '1000',
    },
  })
  api = new PlatformClient(platform.gateway)
  sql = postgres(world.adminUrl, { max: 2, onnotice: () => undefined })
  owner = await api.register('owner')
}, 180_000)

afterAll(async () => {
  await sql?.end()
  await platform?.stop()
  await world?.cleanup()
}, 60_000)

const stateOf = async (id: string) =>
  (await sql<{ state: string }[]>`select state from pledge.pledges where id = ${id}`)[0]?.state

describe('failure 2: a crash between a provider call and its commit', () => {
  it('resumes after the restart with exactly one authorization in the provider ledger, and the pledge completes', async () => {
    const campaignId = await api.activeCampaign(owner.token)
    const created = await api.call<{ id: string }>('POST', '/api/pledges', {
      headers: { 'idempotency-key': `crash-${Date.now()}` },
      body: { campaignId, amount: 42, donorEmail: 'crash@example.com' },
    })
    expect(created.status).toBe(201)
    expect(
      await eventually(
        () => stateOf(created.body.id),
        (s) => s === 'CAPTURED',
        60_000,
      ),
    ).toBe('CAPTURED')
    expect(existsSync(faultFile)).toBe(true) // the payment service did die at the fault point
    expect(platform.output()).toContain('fault point reached')
    const res = await fetch(
      `${platform.serviceUrl('payment')}/sandbox/v1/ledger?reference=${created.body.id}`,
      { headers: INTERNAL },
    )
    const { items } = (await res.json()) as {
      items: { authorizedCents: number; capturedCents: number; operations: { object: string }[] }[]
    }
    expect(items).toHaveLength(1)
    expect(items[0]).toMatchObject({ authorizedCents: 4200, capturedCents: 4200 })
    expect(items[0]!.operations.filter((op) => op.object === 'authorization')).toHaveLength(1)
    const [{ n }] =
      (await sql`select count(*)::int as n from payment.outbox where type = 'payment.authorized' and payload->'data'->>'pledgeId' = ${created.body.id}`) as [
        { n: number },
      ]
    expect(n).toBe(1)
  }, 90_000)
})

describe('failure 2: a crash between a commit and its publish', () => {
  it('loses nothing and applies nothing twice when the pledge service is killed right after answering', async () => {
    const campaignId = await api.activeCampaign(owner.token)
    const ids: string[] = []
    for (let i = 0; i < 3; i++) {
      const pid = await pidOn(3003 + platform.portOffset)
      const created = await api.call<{ id: string }>('POST', '/api/pledges', {
        headers: { 'idempotency-key': `kill-${i}-${Date.now()}` },
        body: { campaignId, amount: 10 + i, donorEmail: `kill${i}@example.com` },
      })
      expect(created.status).toBe(201)
      process.kill(pid, 'SIGKILL') // the outbox row is committed; its publish may or may not have happened
      ids.push(created.body.id)
      await eventually(
        () =>
          fetch(`${platform.serviceUrl('pledge')}/ready`).then(
            (r) => r.ok,
            () => false,
          ),
        (ok) => ok,
        30_000,
      )
    }
    for (const id of ids)
      expect(
        await eventually(
          () => stateOf(id),
          (s) => s === 'CAPTURED',
          60_000,
        ),
      ).toBe('CAPTURED')
    const payments = await sql<
      { n: number }[]
    >`select count(*)::int as n from payment.payments where pledge_id in ${sql(ids)} group by pledge_id`
    expect(payments.map((p) => p.n)).toEqual([1, 1, 1])
    const created = await sql<{ n: number }[]>`
      select count(*)::int as n from pledge.outbox where type = 'pledge.created' and aggregate_id in ${sql(ids)} group by aggregate_id`
    expect(created.map((p) => p.n)).toEqual([1, 1, 1])
  }, 180_000)
})
