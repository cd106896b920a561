import { ensureDatabase, ensureSchemas, withDatabase } from '@careforall/db'
import { devEnv } from './env'
import { requireServers } from './preflight'

/**
 * Creates the platform's database, and in it every service's schema and role (idempotent).
 * Each service applies its own migrations when it starts.
 */
export async function setupDatabase(database = devEnv.DATABASE_NAME): Promise<string> {
  await ensureDatabase(devEnv.DATABASE_ADMIN_URL, database)
  const adminUrl = withDatabase(devEnv.DATABASE_ADMIN_URL, database)
  await ensureSchemas({ adminUrl, rolePassword: devEnv.SERVICE_DB_PASSWORD })
  return adminUrl
}

if (import.meta.main) {
  await requireServers()
  const adminUrl = await setupDatabase()
  console.log(`schemas and roles ready in ${new URL(adminUrl).pathname.slice(1)}`)
}
