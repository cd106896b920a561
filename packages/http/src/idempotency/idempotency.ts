import { type Sql, type TransactionSql, withTransaction } from '@careforall/db'
import { meter } from '@careforall/otel'
import type { RouteConfig, RouteConfigToTypedResponse } from '@hono/zod-openapi'
import type { Context } from 'hono'
import { AppError, ConflictError, mapError, UnprocessableError } from '../errors'
import { problemResponse } from '../problem'
import type { AppEnv } from '../types'
import { fingerprintOf } from './fingerprint'

/** What an idempotent effect answers; stored and replayed byte for byte. */
export interface StoredResponse {
  status: number
  body: unknown
  headers?: Record<string, string>
}

export interface IdempotencyOptions {
  sql: Sql
  /** The caller the key belongs to: `user:<id>`, or `guest:<hash of email>`. */
  scope: string
  /** The validated request body: a different body under the same key is a 422. */
  request: unknown
  /** Keys live this long (24 h), then the reaper removes them. */
  ttlHours?: number
}

export const IDEMPOTENCY_HEADER = 'idempotency-key'
const REPLAYED_HEADER = 'Idempotent-Replayed'

let replays: ReturnType<ReturnType<typeof meter>['createCounter']> | undefined

/**
 * Runs an (I) endpoint's effect exactly once per key, whatever the concurrency:
 *  1. a transaction-scoped advisory lock on (scope, endpoint, key): a duplicate arriving while the
 *     first is still running gets 409 with Retry-After, instead of running twice or waiting;
 *  2. a stored response for the key is replayed byte for byte (`Idempotent-Replayed: true`) when
 *     the body matches, and refused with 422 when it does not;
 *  3. otherwise the effect runs (in a savepoint), and its response is stored — all in ONE
 *     transaction with the effect's rows and outbox rows, so a crash leaves either everything or
 *     nothing, and a retry then runs it afresh. A 4xx the effect raises is stored and replayed
 *     too (its writes rolled back); an unexpected error stores nothing.
 * The header itself (1–255 characters) is validated by the route contract, before this runs.
 */
export async function idempotently<R extends RouteConfig>(
  // biome-ignore lint/suspicious/noExplicitAny: any route's context (its path and input types)
  c: Context<AppEnv, any, any>,
  options: IdempotencyOptions,
  effect: (tx: TransactionSql) => Promise<StoredResponse>,
): Promise<RouteConfigToTypedResponse<R>> {
  const key = c.req.header(IDEMPOTENCY_HEADER)!
  const endpoint = `${c.req.method} ${c.req.routePath}`
  const fingerprint = fingerprintOf(options.request)
  const stored = await withTransaction(
    options.sql,
    async (tx) => {
      // One round trip: the server runs them in order, so the stored response is read (with a fresh
      // snapshot) after the lock was taken; without the lock the row read is ignored.
      const [[locked], [existing]] = await Promise.all([
        tx<{ locked: boolean }[]>`
          select pg_try_advisory_xact_lock(hashtextextended(${`${options.scope}|${endpoint}|${key}`}, 0)) as locked`,
        tx<
          {
            fingerprint: string
            statusCode: number
            responseHeaders: Record<string, string>
            responseBody: string
            expired: boolean
          }[]
        >`
          select fingerprint, status_code, response_headers, response_body, expires_at < now() as expired
          from idempotency_keys where scope = ${options.scope} and endpoint = ${endpoint} and key = ${key}`,
      ])
      if (!locked?.locked) {
        throw new ConflictError(
          'A request with this Idempotency-Key is still being processed; retry shortly',
          {},
          { 'Retry-After': '1' },
        )
      }
      if (existing && !existing.expired) {
        if (existing.fingerprint !== fingerprint) {
          throw new UnprocessableError('This Idempotency-Key was used with a different request body')
        }
        return {
          replayed: true,
          status: existing.statusCode,
          headers: existing.responseHeaders,
          text: existing.responseBody,
        }
      }
      if (existing)
        await tx`delete from idempotency_keys where scope = ${options.scope} and endpoint = ${endpoint} and key = ${key}`
      const response = await runEffect(tx, effect)
      await tx`
        insert into idempotency_keys (scope, endpoint, key, fingerprint, status_code, response_headers, response_body, expires_at)
        values (${options.scope}, ${endpoint}, ${key}, ${fingerprint}, ${response.status}, ${tx.json(response.headers)},
                ${response.text}, now() + make_interval(hours => ${options.ttlHours ?? 24}))`
      return { replayed: false, ...response }
    },
    { name: `idempotent ${endpoint}` },
  )
  if (stored.replayed) {
    replays ??= meter().createCounter('http_idempotent_replays_total', {
      description: 'Responses replayed for a repeated Idempotency-Key',
    })
    replays.add(1, { endpoint })
  }
  const response = new Response(stored.status === 204 ? null : stored.text, {
    status: stored.status,
    headers: { ...stored.headers, ...(stored.replayed ? { [REPLAYED_HEADER]: 'true' } : {}) },
  })
  // The answer is the route's own (its effect or a problem it declares), stored and replayed as
  // bytes: typed as the route's response here, once, so no handler has to cast it.
  return response as unknown as RouteConfigToTypedResponse<R>
}

interface Serialized {
  status: number
  headers: Record<string, string>
  text: string
}

async function runEffect(
  tx: TransactionSql,
  effect: (tx: TransactionSql) => Promise<StoredResponse>,
): Promise<Serialized> {
  try {
    const response = await tx.savepoint((sp) => effect(sp))
    return {
      status: response.status,
      headers: { 'content-type': 'application/json', ...response.headers },
      text: response.status === 204 ? '' : JSON.stringify(response.body),
    }
  } catch (error) {
    // A refusal the client caused (409, 422, 404…) is the answer to this key: stored and
    // replayed. Anything unexpected stores nothing, so a retry can still succeed.
    if (!(error instanceof AppError) || error.status >= 500) throw error
    const { problem, headers } = mapError(error)
    const response = problemResponse(problem, headers)
    return {
      status: problem.status,
      headers: Object.fromEntries(response.headers),
      text: await response.text(),
    }
  }
}

/** Deletes expired keys in batches; run by every service that has (I) endpoints. */
export function startIdempotencyReaper(sql: Sql, intervalMs = 60 * 60_000) {
  const reap = () => sql`
    delete from idempotency_keys where ctid in (select ctid from idempotency_keys where expires_at < now() limit 5000)`
  const timer = setInterval(() => void reap().catch(() => undefined), intervalMs)
  timer.unref()
  return { reap, stop: () => clearInterval(timer) }
}
