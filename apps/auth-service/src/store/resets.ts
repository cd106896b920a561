import type { Queryable } from '@careforall/db'

export async function insertReset(
  sql: Queryable,
  userId: string,
  tokenHash: string,
  ttlMinutes: number,
): Promise<void> {
  await sql`
    insert into password_resets (token_hash, user_id, expires_at)
    values (${tokenHash}, ${userId}, now() + make_interval(mins => ${ttlMinutes}))`
}

/** Uses a reset token once: marks it used and answers its user, if it was valid and unused. */
export async function consumeReset(sql: Queryable, tokenHash: string): Promise<string | undefined> {
  const [row] = await sql<{ userId: string }[]>`
    update password_resets set used_at = now()
    where token_hash = ${tokenHash} and used_at is null and expires_at > now()
    returning user_id`
  return row?.userId
}
