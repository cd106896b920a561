import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { openDatabase, type Sql } from '@careforall/db'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { idempotencyMigrations } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { messagingMigrations } from '@careforall/messaging'
import { claimWebhook, markApplied } from '../src/store/webhooks'

let world: TestResources
let sql: Sql

beforeAll(async () => {
  world = await createTestResources()
  sql = await openDatabase({
    url: world.databaseUrl('payment'),
    schema: 'payment',
    migrations: [
      messagingMigrations,
      idempotencyMigrations,
      { module: 'service', dir: `${import.meta.dir}/../migrations` },
    ],
    logger: createLogger({ serviceName: 'payment-service', level: 'silent' }),
    max: 2,
  })
}, 30_000)
afterAll(async () => {
  await sql?.end({ timeout: 2 })
  await world?.cleanup()
}, 30_000)

describe('webhook look-ups on a table without statistics yet', () => {
  it('claim and mark a webhook by its primary key, never by scanning the pending or transaction index', async () => {
    // A new deployment's first minute: thousands of pending webhooks, no ANALYZE yet.
    await sql`
      insert into webhooks (provider, id, type, provider_transaction_id, payload)
      select 'sandbox', 'evt_' || g, 'payment.captured', 'txn_' || g, '{}'::jsonb from generate_series(1, 3000) g`
    const scans = await sql.begin(async (tx) => {
      const count = async () =>
        (
          await tx<{ pending: number; txn: number; key: number }[]>`
            select pg_stat_get_xact_numscans('webhooks_pending_idx'::regclass)::int as pending,
                   pg_stat_get_xact_numscans('webhooks_txn_idx'::regclass)::int as txn,
                   pg_stat_get_xact_numscans('webhooks_pkey'::regclass)::int as key`
        )[0]!
      const before = await count()
      const hook = await claimWebhook(tx, 'sandbox', 'evt_1500')
      expect(hook?.providerTransactionId).toBe('txn_1500')
      await markApplied(tx, 'sandbox', 'evt_1500', 'applied', null)
      expect(await claimWebhook(tx, 'sandbox', 'evt_1500')).toBeUndefined() // applied: nothing to claim
      const after = await count()
      return {
        pending: after.pending - before.pending,
        txn: after.txn - before.txn,
        key: after.key - before.key,
      }
    })
    expect(scans).toEqual({ pending: 0, txn: 0, key: 3 })
  })
})
