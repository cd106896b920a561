import postgres from 'postgres'
import { quoteIdent } from './migrate'

/** Every schema of the platform: one per service, plus the payments sandbox's own. */
export const SCHEMAS = ['auth', 'campaign', 'pledge', 'payment', 'totals', 'chat', 'sandbox'] as const
export type SchemaName = (typeof SCHEMAS)[number]

/** The database role that owns a schema and can touch nothing else. Roles are cluster-wide. */
export function roleOf(schema: string): string {
  return `cfa_${schema}`
}

/** A connection URL for a schema's role: the admin URL with the role as user (and password). */
export function roleUrl(adminUrl: string, schema: string, password?: string): string {
  const url = new URL(adminUrl)
  url.username = roleOf(schema)
  url.password = password ?? ''
  return url.toString()
}

/** The same server with another database name. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url)
  parsed.pathname = `/${database}`
  return parsed.toString()
}

/** Creates the database if it does not exist (admin URL pointing at any existing database). */
export async function ensureDatabase(adminUrl: string, database: string): Promise<void> {
  const sql = postgres(withDatabase(adminUrl, 'postgres'), { max: 1, onnotice: () => undefined })
  try {
    const [exists] = await sql`select 1 from pg_database where datname = ${database}`
    if (!exists) {
      await sql.unsafe(`create database ${quoteIdent(database)}`).catch((error: { code?: string }) => {
        if (error.code !== '42P04') throw error // created concurrently: fine
      })
    }
  } finally {
    await sql.end()
  }
}

export interface EnsureSchemasOptions {
  /** Superuser URL of the platform's database. */
  adminUrl: string
  schemas?: readonly string[]
  /** Password for the service roles (compose); trust auth needs none. */
  rolePassword?: string | undefined
}

/**
 * Creates, idempotently and safely when run concurrently, each service's role and its schema
 * owned by that role. A role can connect and use its own schema only: no grants on any other, and
 * `public` is closed to it, so a service reaching into another's tables fails with 42501.
 */
export async function ensureSchemas(options: EnsureSchemasOptions): Promise<void> {
  // Roles live in shared catalogs: two setups altering one role at once fail with "tuple
  // concurrently updated". A session lock taken in the `postgres` database serializes every
  // setup on the cluster, whichever database it prepares.
  const lock = postgres(withDatabase(options.adminUrl, 'postgres'), { max: 1, onnotice: () => undefined })
  const sql = postgres(options.adminUrl, { max: 1, onnotice: () => undefined })
  try {
    await lock`select pg_advisory_lock(hashtext('careforall.ensure-schemas'))`
    const [{ database }] = (await sql`select current_database() as database`) as unknown as [
      { database: string },
    ]
    await sql.unsafe(`revoke all on database ${quoteIdent(database)} from public`)
    await sql.unsafe('revoke all on schema public from public')
    for (const schema of options.schemas ?? SCHEMAS) {
      const role = quoteIdent(roleOf(schema))
      await createRole(sql, roleOf(schema))
      const password = options.rolePassword ? `password ${quoteLiteral(options.rolePassword)}` : ''
      await sql.unsafe(
        `alter role ${role} with login nosuperuser nocreatedb nocreaterole noinherit ${password} connection limit 40`,
      )
      await sql.unsafe(`alter role ${role} set search_path = ${quoteIdent(schema)}`)
      await sql.unsafe(`grant connect on database ${quoteIdent(database)} to ${role}`)
      await sql.unsafe(`create schema if not exists ${quoteIdent(schema)} authorization ${role}`)
      await sql.unsafe(`alter schema ${quoteIdent(schema)} owner to ${role}`)
    }
  } finally {
    await sql.end()
    await lock.end() // closing the session releases the lock
  }
}

async function createRole(sql: postgres.Sql, role: string): Promise<void> {
  const [exists] = await sql`select 1 from pg_roles where rolname = ${role}`
  if (exists) return
  await sql.unsafe(`create role ${quoteIdent(role)} login`).catch((error: { code?: string }) => {
    // Another process created it between our check and our create: roles are cluster-wide.
    if (error.code !== '42710' && error.code !== '23505') throw error
  })
}

function quoteLiteral(value: string): string {
  return `'${value.replaceAll("'", "''")}'`
}
