import type { Queryable } from '@careforall/db'

export interface UserRow {
  id: string
  email: string
  name: string
  passwordHash: string
  role: 'donor' | 'admin'
  disabled: boolean
  createdAt: Date
  updatedAt: Date
}

export async function findUserByEmail(sql: Queryable, email: string): Promise<UserRow | undefined> {
  const [user] = await sql<UserRow[]>`select * from users where lower(email) = lower(${email})`
  return user
}

export async function findUserById(sql: Queryable, id: string): Promise<UserRow | undefined> {
  const [user] = await sql<UserRow[]>`select * from users where id = ${id}`
  return user
}

export async function insertUser(
  sql: Queryable,
  user: { email: string; name: string; passwordHash: string; role?: 'donor' | 'admin' },
): Promise<UserRow> {
  const [row] = await sql<UserRow[]>`
    insert into users (id, email, name, password_hash, role)
    values (${Bun.randomUUIDv7()}, ${user.email}, ${user.name}, ${user.passwordHash}, ${user.role ?? 'donor'})
    returning *`
  return row!
}

export async function updatePassword(sql: Queryable, userId: string, passwordHash: string): Promise<void> {
  await sql`update users set password_hash = ${passwordHash}, updated_at = now() where id = ${userId}`
}

export async function updateUser(
  sql: Queryable,
  id: string,
  changes: { role?: 'donor' | 'admin' | undefined; disabled?: boolean | undefined },
): Promise<UserRow | undefined> {
  const [row] = await sql<UserRow[]>`
    update users set
      role = coalesce(${changes.role ?? null}, role),
      disabled = coalesce(${changes.disabled ?? null}, disabled),
      updated_at = now()
    where id = ${id}
    returning *`
  return row
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

/**
 * A page of users, newest first, optionally searched by words of the email or name, or by id
 * (the audit log names users by id).
 */
export async function listUsers(
  sql: Queryable,
  options: { q?: string | undefined; limit: number; after?: { createdAt: string; id: string } | undefined },
): Promise<UserRow[]> {
  const search = options.q?.trim()
  return sql<UserRow[]>`
    select * from users
    where true
      ${
        search && UUID.test(search)
          ? sql`and id = ${search}::uuid`
          : search
            ? sql`and (to_tsvector('simple', email || ' ' || name) @@ plainto_tsquery('simple', ${search})
                        or email ilike ${`%${escapeLike(search)}%`} or name ilike ${`%${escapeLike(search)}%`})`
            : sql``
      }
      ${options.after ? sql`and (created_at, id) < (${options.after.createdAt}::timestamptz, ${options.after.id}::uuid)` : sql``}
    order by created_at desc, id desc
    limit ${options.limit}`
}

function escapeLike(value: string): string {
  return value.replace(/[\\%_]/g, (char) => `\\${char}`)
}
