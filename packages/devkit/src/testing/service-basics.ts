import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { amqpUser, createTestResources, rabbitmqctl, type TestResources } from '@careforall/db/testing'
import postgres from 'postgres'
import type { ServiceName } from '../platform'
import { type RunningService, spawnService, worldEnv } from './spawn'

export interface ServiceBasics {
  name: ServiceName
  schema: string
  /** Tables the service's migrations must have created in its schema. */
  tables: string[]
  /** The dependencies its `/ready` must name. */
  checks: string[]
}

/**
 * What every service must do as a real process, asserted the same way for each: start on its own
 * database role, apply its migrations, answer `/health`, `/ready` (naming each dependency),
 * `/openapi.json`, `/docs` and `/metrics`, stop cleanly on SIGTERM, and give up (exit 1, so its
 * supervisor restarts it) when its broker stays unreachable.
 */
export function describeServiceBasics(basics: ServiceBasics): void {
  describe(`${basics.name}-service as a process`, () => {
    let world: TestResources
    let service: RunningService

    beforeAll(async () => {
      world = await createTestResources()
      service = await spawnService(basics.name, worldEnv(world, basics.schema))
    }, 60_000)

    afterAll(async () => {
      await service?.stop()
      await world?.cleanup()
    })

    it('answers /health and names every dependency in /ready', async () => {
      expect(await (await fetch(`${service.url}/health`)).json()).toEqual({ status: 'ok' })
      const ready = (await (await fetch(`${service.url}/ready`)).json()) as { checks: Record<string, string> }
      expect(Object.keys(ready.checks).sort()).toEqual([...basics.checks].sort())
      expect(Object.values(ready.checks).every((state) => state === 'up')).toBe(true)
    })

    it('applies its migrations in its own schema', async () => {
      const sql = postgres(world.adminUrl, { max: 1 })
      try {
        const rows = await sql<{ table_name: string }[]>`
          select table_name from information_schema.tables where table_schema = ${basics.schema}`
        const tables = rows.map((row) => row.table_name)
        expect(tables).toEqual(
          expect.arrayContaining([...basics.tables, 'outbox', 'inbox', 'schema_migrations']),
        )
        const [owner] =
          await sql`select nspowner::regrole::text as owner from pg_namespace where nspname = ${basics.schema}`
        expect(owner?.owner).toBe(`cfa_${basics.schema}`)
      } finally {
        await sql.end()
      }
    })

    it('serves its OpenAPI 3.1 document, its docs page and its metrics', async () => {
      const doc = (await (await fetch(`${service.url}/openapi.json`)).json()) as {
        openapi: string
        info: { title: string }
      }
      expect(doc.openapi).toBe('3.1.0')
      expect(doc.info.title).toBe(`${basics.name}-service`)
      const docs = await fetch(`${service.url}/docs`)
      expect(docs.status).toBe(200)
      expect(await docs.text()).toContain('/docs/scalar.js')
      const metrics = await fetch(`${service.url}/metrics`)
      expect(metrics.status).toBe(200)
      expect(await metrics.text()).toContain('target_info')
    })

    it('writes its logs as JSON lines in the platform format', () => {
      const line = service
        .output()
        .split('\n')
        .find((l) => l.includes('"listening"'))
      expect(line).toBeDefined()
      expect(JSON.parse(line!)).toMatchObject({ level: 'info', serviceName: `${basics.name}-service` })
    })

    it('stops cleanly on SIGTERM', async () => {
      expect(await service.stop()).toBe(0)
      expect(service.output()).toContain('"stopped"')
    })

    it('exits non-zero, saying why, when its broker stays unreachable past UNREADY_EXIT_AFTER_MS', async () => {
      const watched = await spawnService(basics.name, {
        ...worldEnv(world, basics.schema),
        UNREADY_EXIT_AFTER_MS: '1500',
      })
      // The broker refuses this world's vhost from now on: connections closed, reconnects refused.
      await rabbitmqctl('clear_permissions', '-p', world.vhost, amqpUser())
      try {
        await rabbitmqctl('close_all_connections', '-p', world.vhost, 'test: broker gone')
        const code = await Promise.race([watched.proc.exited, Bun.sleep(15_000).then(() => 'still running')])
        expect(code).toBe(1)
        const fatal = watched
          .output()
          .split('\n')
          .filter((line) => line.includes('"level":"fatal"'))
          .map((line) => JSON.parse(line) as { message: string; unready: string[] })
        expect(fatal).toHaveLength(1)
        expect(fatal[0]!.unready).toEqual(['rabbitmq'])
        expect(fatal[0]!.message).toContain('exiting so the supervisor starts a fresh process')
      } finally {
        watched.proc.kill('SIGKILL')
        await rabbitmqctl('set_permissions', '-p', world.vhost, amqpUser(), '.*', '.*', '.*')
      }
    }, 30_000)
  })
}
