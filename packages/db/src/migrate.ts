import { createHash } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import type { Logger } from '@careforall/logger'
import type { Sql } from './client'

export interface MigrateOptions {
  /** The schema the migrations belong to; its `schema_migrations` table records what ran. */
  schema: string
  /** Folder of numbered plain-SQL files: `001_init.sql`, `002_add_index.sql`, … */
  dir: string
  /**
   * Whose migrations these are: `service` for the service's own folder, or a shared package's
   * name (`messaging` ships the outbox and inbox tables every service needs). Each module
   * numbers its files independently.
   */
  module?: string
  logger?: Logger
}

interface Migration {
  version: number
  name: string
  checksum: string
  sql: string
}

/** Reads the numbered SQL files of a folder in order; refuses gaps in numbering or duplicates. */
export async function readMigrations(dir: string): Promise<Migration[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql')).sort()
  const migrations: Migration[] = []
  for (const file of files) {
    const match = /^(\d+)_([\w-]+)\.sql$/.exec(file)
    if (!match) throw new Error(`migration ${file} is not named NNN_name.sql`)
    const sql = await Bun.file(join(dir, file)).text()
    migrations.push({
      version: Number(match[1]),
      name: match[2]!,
      checksum: createHash('sha256').update(sql).digest('hex'),
      sql,
    })
  }
  migrations.forEach((migration, index) => {
    if (migration.version !== index + 1)
      throw new Error(`migration ${migration.version} is out of sequence in ${dir}`)
  })
  return migrations
}

/**
 * Applies the pending migrations of one schema in one transaction (a savepoint each), under an advisory
 * lock so that several instances starting at once apply each file exactly once; a failure applies
 * nothing. A file changed
 * after it was applied stops the start: migrations are append-only.
 */
export async function migrate(sql: Sql, options: MigrateOptions): Promise<number> {
  const migrations = await readMigrations(options.dir)
  const module = options.module ?? 'service'
  return sql.begin(async (lockTx) => {
    // A transaction-scoped lock: released however this ends, even if the process dies.
    await lockTx`select pg_advisory_xact_lock(hashtext(${`careforall.migrate.${options.schema}`}))`
    await lockTx.unsafe(`
      create table if not exists ${quoteIdent(options.schema)}.schema_migrations (
        module text not null,
        version integer not null,
        name text not null,
        checksum text not null,
        applied_at timestamptz not null default now(),
        primary key (module, version)
      )`)
    const applied = await lockTx.unsafe<{ version: number; checksum: string }[]>(
      `select version, checksum from ${quoteIdent(options.schema)}.schema_migrations where module = $1 order by version`,
      [module],
    )
    const byVersion = new Map(applied.map((row) => [row.version, row.checksum]))
    let count = 0
    for (const migration of migrations) {
      const checksum = byVersion.get(migration.version)
      if (checksum !== undefined) {
        if (checksum !== migration.checksum) {
          throw new Error(
            `migration ${module}/${migration.version}_${migration.name} changed after it was applied`,
          )
        }
        continue
      }
      await lockTx.savepoint(async (tx) => {
        await tx.unsafe(migration.sql)
        await tx.unsafe(
          `insert into ${quoteIdent(options.schema)}.schema_migrations (module, version, name, checksum) values ($1, $2, $3, $4)`,
          [module, migration.version, migration.name, migration.checksum],
        )
      })
      options.logger?.info({ module, version: migration.version, name: migration.name }, 'migration applied')
      count++
    }
    return count
  })
}

export function quoteIdent(name: string): string {
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`unsafe identifier ${name}`)
  return `"${name}"`
}
