import { fileURLToPath } from 'node:url'
import type { MigrationSet } from '@careforall/db'

/** The outbox and inbox tables every service applies in its own schema at start. */
export const messagingMigrations: MigrationSet = {
  module: 'messaging',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
}
