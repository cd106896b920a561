import type { Queryable } from '@careforall/db'

export interface SessionRow {
  id: string
  userId: string
  createdAt: Date
  lastUsedAt: Date
  expiresAt: Date
  revokedAt: Date | null
  userAgent: string | null
  ip: string | null
}

export async function insertSession(
  sql: Queryable,
  session: { userId: string; ttlDays: number; userAgent?: string | undefined; ip?: string | undefined },
): Promise<SessionRow> {
  const [row] = await sql<SessionRow[]>`
    insert into sessions (id, user_id, expires_at, user_agent, ip)
    values (${Bun.randomUUIDv7()}, ${session.userId}, now() + make_interval(days => ${session.ttlDays}),
            ${session.userAgent ?? null}, ${session.ip ?? null})
    returning *`
  return row!
}

export async function insertRefreshToken(
  sql: Queryable,
  sessionId: string,
  tokenHash: string,
): Promise<void> {
  await sql`insert into refresh_tokens (token_hash, session_id) values (${tokenHash}, ${sessionId})`
}

export interface RefreshLookup {
  sessionId: string
  rotatedAt: Date | null
  session: SessionRow
}

/** The token's row and its session, locked: two refreshes with one token cannot both rotate it. */
export async function lockRefreshToken(
  sql: Queryable,
  tokenHash: string,
): Promise<RefreshLookup | undefined> {
  const [row] = await sql<(SessionRow & { rotatedAt: Date | null; sessionId: string })[]>`
    select s.*, t.rotated_at, t.session_id
    from refresh_tokens t join sessions s on s.id = t.session_id
    where t.token_hash = ${tokenHash}
    for update of t, s`
  if (!row) return undefined
  const { rotatedAt, sessionId, ...session } = row
  return { sessionId, rotatedAt, session }
}

export async function markRotated(sql: Queryable, tokenHash: string): Promise<void> {
  await sql`update refresh_tokens set rotated_at = now() where token_hash = ${tokenHash}`
  await sql`update sessions set last_used_at = now() where id = (select session_id from refresh_tokens where token_hash = ${tokenHash})`
}

/** Ends sessions (a family each); returns the ids that were still open. */
export async function revokeSessions(
  sql: Queryable,
  where: { sessionId?: string; userId?: string },
  reason: string,
): Promise<string[]> {
  const rows = await sql<{ id: string }[]>`
    update sessions set revoked_at = now(), revoked_reason = ${reason}
    where revoked_at is null
      ${where.sessionId ? sql`and id = ${where.sessionId}` : sql``}
      ${where.userId ? sql`and user_id = ${where.userId}` : sql``}
    returning id`
  return rows.map((row) => row.id)
}

export async function listActiveSessions(sql: Queryable, userId: string): Promise<SessionRow[]> {
  return sql<SessionRow[]>`
    select * from sessions
    where user_id = ${userId} and revoked_at is null and expires_at > now()
    order by last_used_at desc`
}

export async function findSession(sql: Queryable, id: string): Promise<SessionRow | undefined> {
  const [row] = await sql<SessionRow[]>`select * from sessions where id = ${id}`
  return row
}
