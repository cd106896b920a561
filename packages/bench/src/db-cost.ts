// What one SQL statement and one commit cost on this machine, client and server side: the unit
// the pledges benchmark's budget is made of. A Bun process with postgres.js (as the services use
// it) runs single-row inserts into a throwaway table, one at a time and eight at once, with and
// without a transaction around every ten, and reads its own CPU time and PostgreSQL's (all
// `postgres` processes, from /proc) around each run.
// Run: bun packages/bench/src/db-cost.ts [--rows=4000]
import { createTestResources } from '@careforall/db/testing'
import postgres from 'postgres'
import { cpuSecondsOf } from './totals-load'

const args = new Map(Bun.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const ROWS = Number(args.get('rows') ?? 4000)
const CONCURRENCY = 8

const world = await createTestResources()
const sql = postgres(world.adminUrl, { max: CONCURRENCY, onnotice: () => undefined })
try {
  await sql`create table bench_cost (id bigserial primary key, name text, body jsonb, at timestamptz default now())`
  const body = { kind: 'bench', note: 'x'.repeat(300) }
  const insert = (q: postgres.Sql | postgres.TransactionSql, i: number) =>
    q`insert into bench_cost (name, body) values (${`row-${i}`}, ${q.json(body)})`
  const runs: [string, () => Promise<unknown>][] = [
    [
      'select, one at a time',
      async () => {
        for (let i = 0; i < ROWS; i++) await sql`select ${i}::int as n`
      },
    ],
    [
      'insert + commit, one at a time',
      async () => {
        for (let i = 0; i < ROWS; i++) await insert(sql, i)
      },
    ],
    [
      `insert + commit, ${CONCURRENCY} at once`,
      () =>
        Promise.all(
          Array.from({ length: CONCURRENCY }, async (_, k) => {
            for (let i = k; i < ROWS; i += CONCURRENCY) await insert(sql, i)
          }),
        ),
    ],
    [
      `10 inserts per transaction, ${CONCURRENCY} at once`,
      () =>
        Promise.all(
          Array.from({ length: CONCURRENCY }, async (_, k) => {
            for (let i = k * 10; i < ROWS; i += CONCURRENCY * 10) {
              await sql.begin(async (tx) => {
                for (let j = i; j < i + 10; j++) await insert(tx, j)
              })
            }
          }),
        ),
    ],
  ]
  console.log(`db cost: ${ROWS} statements per run, postgres.js from Bun over TCP loopback`)
  for (const [name, run] of runs) {
    const server = await cpuSecondsOf('postgres')
    const client = process.cpuUsage()
    const started = performance.now()
    await run()
    const wall = performance.now() - started
    const used = process.cpuUsage(client)
    const serverUs = ((await cpuSecondsOf('postgres')) - server) * 1e6
    const per = (us: number) => `${(us / ROWS).toFixed(0)} µs`
    console.log(
      `  ${name.padEnd(38)} per statement: client ${per(used.user + used.system)}, server ${per(serverUs)}, wall ${per(wall * 1000)}`,
    )
  }
} finally {
  await sql.end()
  await world.cleanup()
}
