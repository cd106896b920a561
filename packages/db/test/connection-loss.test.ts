import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createDb, type Sql } from '../src'
import { createTestResources, type TestResources } from '../src/testing'

// A connection whose backend is gone must fail its queries, not crash the process nor stop
// sending: postgres.js 3.4.9 wrote to a null socket from a timer (an uncaught TypeError: on the
// platform, services died when their connections were cut; porsager/postgres#1066, #1208) and
// kept a stale write timer after a close, so the slot never flushed a write again (CONNECT_TIMEOUT
// forever; LanternOps/breeze#3225). Both are fixed by patches/postgres@3.4.9.patch.
let world: TestResources
let sql: Sql
let admin: Sql
const uncaught: unknown[] = []
const onUncaught = (error: unknown) => uncaught.push(error)

beforeAll(async () => {
  world = await createTestResources()
  sql = createDb({ url: world.databaseUrl('campaign'), schema: 'campaign', max: 2 })
  admin = createDb({ url: world.adminUrl, schema: 'public', max: 1, applicationName: 'test-admin' })
  process.on('uncaughtException', onUncaught)
})

afterAll(async () => {
  process.off('uncaughtException', onUncaught)
  await Promise.all([sql?.end({ timeout: 1 }), admin?.end({ timeout: 1 })])
  await world?.cleanup()
})

const terminateBackends = () =>
  admin`select pg_terminate_backend(pid) from pg_stat_activity
        where application_name = 'careforall-campaign' and datname = ${world.database}`

describe('a connection whose backend is terminated', () => {
  it('fails the next query on it with CONNECTION_CLOSED instead of crashing the process', async () => {
    const reserved = await sql.reserve()
    await reserved`select 1`
    await terminateBackends()
    await Bun.sleep(200) // the close has arrived
    const outcome = await Promise.race([
      reserved`select 1`.then(
        () => 'answered',
        (error: { code?: string }) => error.code,
      ),
      Bun.sleep(5000).then(() => 'hung'),
    ])
    await Bun.sleep(50) // a write scheduled on a timer would throw now
    reserved.release()
    expect(uncaught).toEqual([])
    expect(outcome).toBe('CONNECTION_CLOSED')
  })

  it('leaves a pool whose connections were all terminated answering again at once', async () => {
    const pool = createDb({ url: world.databaseUrl('campaign'), schema: 'campaign', max: 2 })
    try {
      await Promise.all([pool`select 1`, pool`select 1`])
      await terminateBackends()
      await Bun.sleep(200)
      const answers = await Promise.all(
        Array.from({ length: 8 }, () =>
          Promise.race([
            pool`select 1 as one`.then(
              () => 'answered',
              () => 'failed',
            ),
            Bun.sleep(5000).then(() => 'hung'),
          ]),
        ),
      )
      expect(answers).toEqual(Array(8).fill('answered'))
      expect(uncaught).toEqual([])
    } finally {
      await pool.end({ timeout: 1 })
    }
  })
})
