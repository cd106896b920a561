import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { freePort, spawnBun, worldEnv } from '@careforall/devkit/testing'
import postgres from 'postgres'

interface Line {
  message: string
  worker?: string
  database?: string
  label?: string
}

/** The example service as a real process, its output read line by line. */
function spawnExample(world: TestResources, extra: Record<string, string> = {}) {
  const port = freePort()
  const spawned = spawnBun(`${import.meta.dir}/fixtures/example-service.ts`, {
    cwd: `${import.meta.dir}/..`,
    env: { ...worldEnv(world, 'chat'), PORT: String(port), ...extra },
  })
  const lines = (): Line[] =>
    spawned
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Line)
  return { url: `http://127.0.0.1:${port}`, proc: spawned.proc, lines }
}

async function status(url: string): Promise<number> {
  return fetch(url, { signal: AbortSignal.timeout(1000) })
    .then((res) => res.status)
    .catch(() => 0)
}

async function until<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    const value = await probe()
    if (value !== undefined) return value
    await Bun.sleep(25)
  }
  throw new Error(`timed out waiting for ${what}`)
}

describe('startService', () => {
  let world: TestResources

  beforeAll(async () => {
    world = await createTestResources()
  }, 60_000)

  afterAll(async () => {
    await world?.cleanup()
  })

  it('listens at once, holds /ready at 503 until its workers have started, then serves from its own schema', async () => {
    const service = spawnExample(world, { WORKER_START_MS: '1500' })
    try {
      await until('/health', async () => ((await status(`${service.url}/health`)) === 200 ? true : undefined))
      // Its broker connects in the background; once every dependency is up, only the workers hold it.
      const early = await until('/ready naming the start', async () => {
        const res = await fetch(`${service.url}/ready`)
        const body = (await res.json()) as { detail?: string }
        return body.detail === 'example-service is starting' ? res : undefined
      })
      expect(early.status).toBe(503)
      expect(early.headers.get('content-type')).toBe('application/problem+json')
      expect(service.lines().some((line) => line.message === 'worker started')).toBe(false)

      await until('/ready', async () => ((await status(`${service.url}/ready`)) === 200 ? true : undefined))
      expect(service.lines().find((line) => line.message === 'worker started')?.label).toBe('built')
      expect(await (await fetch(`${service.url}/rows`)).json()).toEqual({ count: 3, redis: 'PONG' })

      const sql = postgres(world.adminUrl, { max: 1, onnotice: () => undefined })
      try {
        const tables = await sql<{ table_name: string }[]>`
          select table_name from information_schema.tables where table_schema = 'chat' order by table_name`
        expect(tables.map((row) => row.table_name)).toEqual(
          expect.arrayContaining([
            'example_rows',
            'idempotency_keys',
            'inbox',
            'outbox',
            'schema_migrations',
          ]),
        )
      } finally {
        await sql.end()
      }
    } finally {
      service.proc.kill('SIGKILL')
      await service.proc.exited
    }
  }, 30_000)

  it('shuts down on SIGTERM in order: the start hook, the drain, each worker while the pools are open, then exit 0', async () => {
    const service = spawnExample(world, { WORKER_START_MS: '0' })
    await until('/ready', async () => ((await status(`${service.url}/ready`)) === 200 ? true : undefined))
    service.proc.kill('SIGTERM')
    expect(await service.proc.exited).toBe(0)

    const order = service
      .lines()
      .map((line) =>
        line.worker && line.message === 'worker stopped' ? `${line.worker}:${line.database}` : line.message,
      )
      .filter((message) =>
        ['shutdown started', 'shutting down', 'first:open', 'second:open', 'stopped'].includes(message),
      )
    expect(order).toEqual(['shutdown started', 'shutting down', 'first:open', 'second:open', 'stopped'])
  }, 30_000)

  it('applies its migrations once when two instances start at the same time', async () => {
    const a = spawnExample(world, { WORKER_START_MS: '0' })
    const b = spawnExample(world, { WORKER_START_MS: '0' })
    try {
      for (const service of [a, b]) {
        await until('/ready', async () => ((await status(`${service.url}/ready`)) === 200 ? true : undefined))
        expect(await (await fetch(`${service.url}/rows`)).json()).toEqual({ count: 3, redis: 'PONG' })
      }
    } finally {
      for (const service of [a, b]) service.proc.kill('SIGTERM')
      expect(await a.proc.exited).toBe(0)
      expect(await b.proc.exited).toBe(0)
    }
  }, 30_000)
})
