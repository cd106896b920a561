import { afterAll, describe, expect, it } from 'bun:test'
import postgres from 'postgres'
import { devEnv, inheritedEnv } from '../src/env'
import { freePort } from '../src/testing/spawn'

const root = new URL('../../../', import.meta.url).pathname

/** Runs one of the developer commands with a server's variable pointed at a closed port. */
async function runWithClosedPort(script: string, variable: string, url: (port: number) => string) {
  const port = freePort()
  const database = `devkit_pf_${crypto.randomUUID().slice(0, 8)}`
  const began = Date.now()
  const proc = Bun.spawn([process.execPath, `packages/devkit/src/${script}`], {
    cwd: root,
    env: {
      ...inheritedEnv,
      DATABASE_NAME: database,
      PORT_OFFSET: String(20_000 + Math.floor(Math.random() * 20_000)),
      [variable]: url(port),
    },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  const [stdout, stderr, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  return { port, database, code, seconds: (Date.now() - began) / 1000, stdout, stderr }
}

const admin = postgres(devEnv.DATABASE_ADMIN_URL, { max: 1, onnotice: () => {} })
afterAll(() => admin.end())

describe('bun run dev with a server missing', () => {
  const cases = [
    ['PostgreSQL', 'DATABASE_ADMIN_URL', (port: number) => `postgres://postgres@127.0.0.1:${port}/postgres`],
    ['RabbitMQ', 'RABBITMQ_URL', (port: number) => `amqp://guest:guest@127.0.0.1:${port}/devkit`],
    ['Redis', 'REDIS_URL', (port: number) => `redis://127.0.0.1:${port}`],
  ] as const
  for (const [title, variable, url] of cases) {
    it(`names ${title}, its address and ${variable}, and exits non-zero starting nothing`, async () => {
      const run = await runWithClosedPort('dev.ts', variable, url)
      expect(run.code).toBe(1)
      expect(run.seconds).toBeLessThan(5)
      expect(run.stderr).toStartWith('Not reachable, so nothing was started:')
      expect(run.stderr).toContain(`  ${title} at 127.0.0.1:${run.port} (${variable}=`)
      expect(run.stderr).toContain(`- or point ${variable} at a running one`)
      expect(run.stdout).toBe('')
      const [created] = await admin`select 1 from pg_database where datname = ${run.database}`
      expect(created).toBeUndefined()
    })
  }
})

describe('the other commands check first too', () => {
  it('bun run setup', async () => {
    const run = await runWithClosedPort('setup.ts', 'REDIS_URL', (port) => `redis://127.0.0.1:${port}`)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`Redis at 127.0.0.1:${run.port} (REDIS_URL=`)
  })

  it('bun run test, which still ends with its count line', async () => {
    const run = await runWithClosedPort('test-all.ts', 'RABBITMQ_URL', (port) => `amqp://127.0.0.1:${port}`)
    expect(run.code).toBe(1)
    expect(run.stderr).toContain(`RabbitMQ at 127.0.0.1:${run.port} (RABBITMQ_URL=`)
    expect(run.stdout.trim()).toBe('0 passed, 1 failed')
  })
})
