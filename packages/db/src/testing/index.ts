import { randomBytes } from 'node:crypto'
import postgres from 'postgres'
import { quoteIdent } from '../migrate'
import { ensureDatabase, ensureSchemas, roleUrl, SCHEMAS, withDatabase } from '../setup'
import { testEnv } from './env'

const PREFIX = 'cfa_t_'
/** Resources of a crashed run older than this are swept by the next run. */
const STALE_AFTER_SECONDS = 3 * 60 * 60

export interface TestResources {
  /** The throwaway database, with every service schema and role in it. */
  database: string
  adminUrl: string
  /** The URL a service uses: its own role, this database. */
  databaseUrl(schema: string): string
  /** The throwaway RabbitMQ vhost, and an AMQP URL pointing into it. */
  vhost: string
  rabbitmqUrl: string
  /** A key prefix in the shared Redis, unique to this run. */
  redisUrl: string
  redisPrefix: string
  /** Drops the database and vhost (kept with TEST_KEEP_RESOURCES=true). */
  cleanup(): Promise<void>
}

/**
 * Creates an isolated world for one test file on the machine's real servers: its own database
 * (with every schema and role), its own RabbitMQ vhost and its own Redis prefix, so test runs can
 * overlap on one machine. Names carry their creation time so a later run can sweep what a crashed
 * one left behind.
 */
export async function createTestResources(): Promise<TestResources> {
  const name = `${PREFIX}${Math.floor(Date.now() / 1000)}_${randomBytes(4).toString('hex')}`
  await sweepStale().catch(() => undefined)
  await ensureDatabase(testEnv.DATABASE_ADMIN_URL, name)
  const adminUrl = withDatabase(testEnv.DATABASE_ADMIN_URL, name)
  await ensureSchemas({ adminUrl, schemas: SCHEMAS })
  await rabbitmqctl('add_vhost', name)
  await rabbitmqctl('set_permissions', '-p', name, amqpUser(), '.*', '.*', '.*')
  const amqp = new URL(testEnv.RABBITMQ_URL)
  amqp.pathname = `/${encodeURIComponent(name)}`
  return {
    database: name,
    adminUrl,
    databaseUrl: (schema) => roleUrl(adminUrl, schema),
    vhost: name,
    rabbitmqUrl: amqp.toString(),
    redisUrl: testEnv.REDIS_URL,
    redisPrefix: `${name}:`,
    cleanup: async () => {
      if (testEnv.TEST_KEEP_RESOURCES) return
      await dropDatabase(name)
      await rabbitmqctl('delete_vhost', name).catch(() => undefined)
    },
  }
}

/** The AMQP user the services connect as (the one a test world grants its vhost to). */
export function amqpUser(): string {
  return decodeURIComponent(new URL(testEnv.RABBITMQ_URL).username || 'guest')
}

async function dropDatabase(name: string): Promise<void> {
  const sql = postgres(testEnv.DATABASE_ADMIN_URL, { max: 1, onnotice: () => undefined })
  try {
    await sql.unsafe(`drop database if exists ${quoteIdent(name)} with (force)`)
  } finally {
    await sql.end()
  }
}

function isStale(name: string): boolean {
  const created = Number(name.slice(PREFIX.length).split('_')[0])
  return Number.isFinite(created) && Date.now() / 1000 - created > STALE_AFTER_SECONDS
}

/** Drops databases and vhosts that crashed runs left behind (hours old, by their name). */
async function sweepStale(): Promise<void> {
  const sql = postgres(testEnv.DATABASE_ADMIN_URL, { max: 1, onnotice: () => undefined })
  try {
    const rows = await sql<
      { datname: string }[]
    >`select datname from pg_database where datname like ${`${PREFIX}%`}`
    for (const { datname } of rows) {
      if (isStale(datname)) await sql.unsafe(`drop database if exists ${quoteIdent(datname)} with (force)`)
    }
  } finally {
    await sql.end()
  }
  const vhosts = (await rabbitmqctl('list_vhosts', '--quiet', '--no-table-headers')).split('\n')
  for (const vhost of vhosts.map((line) => line.trim()).filter((v) => v.startsWith(PREFIX) && isStale(v))) {
    await rabbitmqctl('delete_vhost', vhost).catch(() => undefined)
  }
}

/** RabbitMQ's own CLI: vhosts can only be made by an administrator (root here, as in CI). */
export async function rabbitmqctl(...args: string[]): Promise<string> {
  const proc = Bun.spawn(['rabbitmqctl', ...args], { stdout: 'pipe', stderr: 'pipe' })
  const [out, err, code] = await Promise.all([
    new Response(proc.stdout).text(),
    new Response(proc.stderr).text(),
    proc.exited,
  ])
  if (code !== 0) throw new Error(`rabbitmqctl ${args.join(' ')} failed: ${err || out}`)
  return out
}
export { startTcpProxy, type TcpProxy } from './tcp-proxy'
