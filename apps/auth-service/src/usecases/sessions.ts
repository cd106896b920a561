import { withTransaction } from '@careforall/db'
import { denylistKeys, NotFoundError, UnauthorizedError } from '@careforall/http'
import { hashPassword, verifyAgainstDummy, verifyPassword } from '../domain/password'
import { hashToken, newOpaqueToken, normalizeEmail } from '../domain/secrets'
import { insertRefreshToken, lockRefreshToken, markRotated, revokeSessions } from '../store/sessions'
import { findUserByEmail, findUserById, insertUser } from '../store/users'
import { type AccountsDeps, type ClientMeta, deny, openSession } from './accounts'

const INVALID_LOGIN = 'Invalid email or password'

/** A new donor account, signed in at once. */
export async function register(
  deps: AccountsDeps,
  input: { email: string; password: string; name: string },
  meta: ClientMeta,
) {
  const passwordHash = await hashPassword(input.password)
  return withTransaction(
    deps.sql,
    async (tx) => {
      const user = await insertUser(tx, { email: input.email.trim(), name: input.name.trim(), passwordHash })
      return { user, ...(await openSession(deps, tx, user, meta)) }
    },
    { name: 'auth.register' },
  )
}

/** Unknown email and wrong password cost the same and fail the same, so accounts stay private. */
export async function login(
  deps: AccountsDeps,
  input: { email: string; password: string },
  meta: ClientMeta,
) {
  const user = await findUserByEmail(deps.sql, normalizeEmail(input.email))
  const ok = user
    ? await verifyPassword(input.password, user.passwordHash)
    : await verifyAgainstDummy(input.password)
  if (!user || !ok || user.disabled) throw new UnauthorizedError(INVALID_LOGIN)
  return withTransaction(deps.sql, async (tx) => ({ user, ...(await openSession(deps, tx, user, meta)) }), {
    name: 'auth.login',
  })
}

/**
 * Rotates a refresh token. A token that was already rotated is a stolen or replayed one: the
 * whole family (session) ends, so whoever holds the newer token is signed out too.
 */
export async function refresh(deps: AccountsDeps, refreshToken: string) {
  const tokenHash = hashToken(refreshToken)
  const outcome = await withTransaction(
    deps.sql,
    async (tx) => {
      const found = await lockRefreshToken(tx, tokenHash)
      if (!found) return { error: 'The refresh token is not valid' } as const
      const { session } = found
      if (session.revokedAt || session.expiresAt.getTime() < Date.now())
        return { error: 'The session has ended' } as const
      if (found.rotatedAt) {
        await revokeSessions(tx, { sessionId: session.id }, 'refresh token reused')
        return {
          error: 'The refresh token was already used; the session has been ended',
          reused: session.id,
        } as const
      }
      const user = await findUserById(tx, session.userId)
      if (!user || user.disabled) return { error: 'The account is disabled' } as const
      await markRotated(tx, tokenHash)
      const next = newOpaqueToken()
      await insertRefreshToken(tx, session.id, hashToken(next))
      const accessToken = await deps.keys.sign({ userId: user.id, role: user.role, sessionId: session.id })
      return { user, accessToken, refreshToken: next } as const
    },
    { name: 'auth.refresh' },
  )
  if ('error' in outcome) {
    if ('reused' in outcome && outcome.reused) await deny(deps, [denylistKeys.session(outcome.reused)])
    throw new UnauthorizedError(outcome.error)
  }
  return outcome
}

/** Ends the family of a refresh token; an unknown or finished one is fine (logout is idempotent). */
export async function logout(deps: AccountsDeps, refreshToken: string): Promise<void> {
  const revoked = await withTransaction(deps.sql, async (tx) => {
    const found = await lockRefreshToken(tx, hashToken(refreshToken))
    if (!found) return []
    return revokeSessions(tx, { sessionId: found.sessionId }, 'logout')
  })
  await deny(deps, revoked.map(denylistKeys.session))
}

/** A user ends one of their own sessions (another device). */
export async function revokeSession(deps: AccountsDeps, userId: string, sessionId: string): Promise<void> {
  const revoked = await revokeSessions(deps.sql, { sessionId, userId }, 'revoked by user')
  if (revoked.length === 0) throw new NotFoundError('No open session with this id')
  await deny(deps, revoked.map(denylistKeys.session))
}
