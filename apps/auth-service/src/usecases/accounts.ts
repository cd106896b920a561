import type { Sql, TransactionSql } from '@careforall/db'
import { ACCESS_TOKEN_TTL_SECONDS, type Redis } from '@careforall/http'
import type { Logger } from '@careforall/logger'
import { hashToken, newOpaqueToken } from '../domain/secrets'
import type { KeyRing } from '../keys'
import { insertRefreshToken, insertSession } from '../store/sessions'
import type { UserRow } from '../store/users'

/** What the auth use cases run on: the database, the Redis denylist, the signing keys and settings. */
export interface AccountsDeps {
  sql: Sql
  redis: Redis
  keys: KeyRing
  logger: Logger
  refreshTtlDays: number
  resetTtlMinutes: number
  publicUrl: string
  production: boolean
}

export interface ClientMeta {
  ip?: string | undefined
  userAgent?: string | undefined
}

export interface Tokens {
  accessToken: string
  refreshToken: string
}

/** The source of the events the auth service publishes. */
export const SOURCE = 'auth-service'

/** Denylist entries outlive every access token issued before them. */
const DENY_SECONDS = ACCESS_TOKEN_TTL_SECONDS + 60

/** A new session (one refresh-token family) for a user who just proved who they are. */
export async function openSession(
  deps: AccountsDeps,
  tx: TransactionSql,
  user: UserRow,
  meta: ClientMeta,
): Promise<Tokens & { sessionId: string }> {
  const session = await insertSession(tx, {
    userId: user.id,
    ttlDays: deps.refreshTtlDays,
    userAgent: meta.userAgent?.slice(0, 300),
    ip: meta.ip,
  })
  const refreshToken = newOpaqueToken()
  await insertRefreshToken(tx, session.id, hashToken(refreshToken))
  const accessToken = await deps.keys.sign({ userId: user.id, role: user.role, sessionId: session.id })
  return { accessToken, refreshToken, sessionId: session.id }
}

/** Refuses these denylist keys (sessions, users) within seconds, everywhere `requireAuth()` runs. */
export async function deny(deps: AccountsDeps, keys: string[]): Promise<void> {
  if (keys.length === 0) return
  await denylistWrite(deps, async () => {
    const pipeline = deps.redis.pipeline()
    for (const key of keys) pipeline.set(key, '1', 'EX', DENY_SECONDS)
    await pipeline.exec()
  })
}

/** Lifts a denylist key (a user enabled again). */
export async function allow(deps: AccountsDeps, key: string): Promise<void> {
  await denylistWrite(deps, () => deps.redis.del(key))
}

async function denylistWrite(deps: AccountsDeps, work: () => Promise<unknown>): Promise<void> {
  try {
    await work()
  } catch (error) {
    // The database already says the session is over: refresh is refused, and the access token
    // dies with its 15 minutes. Only the "within seconds" promise is weakened while Redis is away.
    deps.logger.error({ err: error }, 'could not update the token denylist')
  }
}
