import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { mkdtemp, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createDb, ensureSchemas, migrate, pingDb, type Sql, withTransaction } from './index'
import { createTestResources, type TestResources } from './testing'

let world: TestResources
let campaign: Sql
let auth: Sql

beforeAll(async () => {
  world = await createTestResources()
  campaign = createDb({ url: world.databaseUrl('campaign'), schema: 'campaign', max: 4 })
  auth = createDb({ url: world.databaseUrl('auth'), schema: 'auth', max: 2 })
})

afterAll(async () => {
  await Promise.all([campaign?.end(), auth?.end()])
  await world?.cleanup()
})

async function migrationsDir(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cfa-migrations-'))
  for (const [name, sql] of Object.entries(files)) await writeFile(join(dir, name), sql)
  return dir
}

describe('schemas and roles', () => {
  it('lets a role use its own schema and nothing else', async () => {
    await campaign`create table notes (id int primary key, body text)`
    await campaign`insert into notes values (1, 'mine')`
    expect([...(await campaign`select body from notes`)]).toEqual([{ body: 'mine' }])
    await expect(auth`select * from campaign.notes`).rejects.toMatchObject({ code: '42501' })
    await expect(auth`create table public.sneaky (id int)`).rejects.toMatchObject({ code: '42501' })
  })

  it('creates roles and schemas idempotently, even concurrently', async () => {
    await Promise.all([
      ensureSchemas({ adminUrl: world.adminUrl }),
      ensureSchemas({ adminUrl: world.adminUrl }),
    ])
    expect(await pingDb(campaign)).toBe(true)
  })
})

describe('migrate', () => {
  it('applies numbered files once, even from several instances at once', async () => {
    const dir = await migrationsDir({
      '001_init.sql': 'create table things (id int primary key);',
      '002_more.sql': 'alter table things add column name text; insert into things values (1, $$one$$);',
    })
    const results = await Promise.all([1, 2, 3].map(() => migrate(campaign, { schema: 'campaign', dir })))
    expect(results.sort()).toEqual([0, 0, 2])
    expect([...(await campaign`select id, name from things`)]).toEqual([{ id: 1, name: 'one' }])
    expect(await migrate(campaign, { schema: 'campaign', dir })).toBe(0)
  })

  it('refuses a migration edited after it was applied', async () => {
    const dir = await migrationsDir({ '001_init.sql': 'create table edited (id int);' })
    await migrate(auth, { schema: 'auth', dir })
    await writeFile(join(dir, '001_init.sql'), 'create table edited (id bigint);')
    await expect(migrate(auth, { schema: 'auth', dir })).rejects.toThrow('changed after it was applied')
  })

  it('applies nothing when one file fails', async () => {
    const dir = await migrationsDir({
      '001_ok.sql': 'create table partial_ok (id int);',
      '002_bad.sql': 'select nope from nowhere;',
    })
    await expect(migrate(campaign, { schema: 'campaign', dir: dir })).rejects.toThrow()
    expect([...(await campaign`select to_regclass('campaign.partial_ok') as t`)]).toEqual([{ t: null }])
  })
})

describe('withTransaction', () => {
  it('re-runs the work after a serialization failure', async () => {
    await campaign`create table counter (id int primary key, n int not null)`
    await campaign`insert into counter values (1, 0)`
    const bump = () =>
      withTransaction(
        campaign,
        async (tx) => {
          const [row] = await tx`select n from counter where id = 1`
          await Bun.sleep(20)
          await tx`update counter set n = ${row!.n + 1} where id = 1`
        },
        { isolation: 'serializable', retries: 10 },
      )
    await Promise.all([bump(), bump(), bump()])
    expect([...(await campaign`select n from counter`)]).toEqual([{ n: 3 }])
  })

  it('rolls back everything when the work throws', async () => {
    await campaign`create table rollback_check (id int)`
    await expect(
      withTransaction(campaign, async (tx) => {
        await tx`insert into rollback_check values (1)`
        throw new Error('boom')
      }),
    ).rejects.toThrow('boom')
    expect([...(await campaign`select * from rollback_check`)]).toEqual([])
  })
})
