import { amqpUser, rabbitmqctl, type TestResources } from '@careforall/db/testing'
import type postgres from 'postgres'

/** The pid listening on a port (the service process the dev runner started). */
export async function pidOn(port: number): Promise<number> {
  const out = await new Response(Bun.spawn(['ss', '-ltnpH', `sport = :${port}`]).stdout).text()
  const pid = /pid=(\d+)/.exec(out)?.[1]
  if (!pid) throw new Error(`nothing listens on ${port}: ${out}`)
  return Number(pid)
}

/** Terminates every connection the services hold to a test world's database; returns how many. */
export async function terminateConnections(sql: postgres.Sql, database: string): Promise<number> {
  const rows = await sql<{ n: number }[]>`
    select count(*)::int as n from (
      select pg_terminate_backend(pid) from pg_stat_activity
      where datname = ${database} and pid <> pg_backend_pid()
    ) t`
  return rows[0]!.n
}

export interface BrokerFault {
  /** The broker goes away for `ms`: every connection closed, every new one refused, then back. */
  outage(ms: number): Promise<void>
  /** Queue depths in the world's vhost. */
  queues(): Promise<{ name: string; messages: number }[]>
  restore(): Promise<void>
}

/**
 * A broker outage scoped to one test world's vhost: the broker closes every connection into it
 * and refuses new ones (its user loses the vhost's permissions) until it is back. Stopping the
 * whole RabbitMQ node (`CHAOS_BROKER=restart`) is the harsher fault, but it would also break the
 * tests of other packages that share the node at the same time, so it is opt-in.
 */
export function brokerFault(world: TestResources, mode: 'vhost' | 'restart'): BrokerFault {
  const user = amqpUser()
  const grant = () => rabbitmqctl('set_permissions', '-p', world.vhost, user, '.*', '.*', '.*')
  return {
    outage: async (ms) => {
      if (mode === 'restart') {
        await rabbitmqctl('stop_app')
        await Bun.sleep(ms)
        await rabbitmqctl('start_app')
        return
      }
      await rabbitmqctl('clear_permissions', '-p', world.vhost, user)
      await rabbitmqctl('close_all_connections', '-p', world.vhost, 'chaos: broker outage')
      await Bun.sleep(ms)
      await grant()
    },
    queues: async () => {
      const out = await rabbitmqctl(
        'list_queues',
        '-p',
        world.vhost,
        'name',
        'messages',
        '--formatter',
        'json',
      )
      return JSON.parse(out) as { name: string; messages: number }[]
    },
    restore: async () => {
      if (mode !== 'restart') await grant().catch(() => undefined)
    },
  }
}
