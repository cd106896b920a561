import { fileURLToPath } from 'node:url'
import type { MigrationSet } from '@careforall/db'
import { z } from '@hono/zod-openapi'

export { canonicalJson, fingerprintOf } from './fingerprint'
export {
  IDEMPOTENCY_HEADER,
  type IdempotencyOptions,
  idempotently,
  type StoredResponse,
  startIdempotencyReaper,
} from './idempotency'

/** The idempotency_keys table, applied in the schema of every service with (I) endpoints. */
export const idempotencyMigrations: MigrationSet = {
  module: 'idempotency',
  dir: fileURLToPath(new URL('../../migrations', import.meta.url)),
}

/** The request header of an (I) endpoint, for its route contract: required, 1–255 visible characters. */
export const IdempotencyKeyHeader = z.object({
  'idempotency-key': z
    .string()
    .min(1)
    .max(255)
    .regex(/^[\x21-\x7e]+$/, 'visible ASCII characters only')
    .openapi({
      description: 'Makes retries safe: the same key and body replay the first response',
      example: 'pledge-2026-11-25-0001',
    }),
})
