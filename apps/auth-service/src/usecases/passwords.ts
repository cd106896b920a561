import { Events } from '@careforall/contracts'
import { withTransaction } from '@careforall/db'
import { denylistKeys, UnauthorizedError } from '@careforall/http'
import { publish } from '@careforall/messaging'
import { hashPassword } from '../domain/password'
import { hashToken, newOpaqueToken, normalizeEmail } from '../domain/secrets'
import { consumeReset, insertReset } from '../store/resets'
import { revokeSessions } from '../store/sessions'
import { findUserByEmail, updatePassword } from '../store/users'
import { type AccountsDeps, deny, SOURCE } from './accounts'

/** Always succeeds from the caller's view (202): whether the email exists is not revealed. */
export async function forgotPassword(deps: AccountsDeps, email: string): Promise<void> {
  const user = await findUserByEmail(deps.sql, normalizeEmail(email))
  if (!user || user.disabled) return
  const token = newOpaqueToken()
  await withTransaction(deps.sql, async (tx) => {
    await insertReset(tx, user.id, hashToken(token), deps.resetTtlMinutes)
    await publish(tx, SOURCE, {
      type: Events.AuthPasswordResetRequested,
      aggregate: 'user',
      aggregateId: user.id,
      data: { userId: user.id },
    })
  })
  if (!deps.production) {
    // No mail service yet: developers take the link from the log. Never in production.
    deps.logger.info({ resetUrl: `${deps.publicUrl}/reset-password?token=${token}` }, 'password reset link')
  }
}

/** Sets a new password with a single-use token and ends every session of the account. */
export async function resetPassword(deps: AccountsDeps, token: string, password: string): Promise<void> {
  const passwordHash = await hashPassword(password)
  const revoked = await withTransaction(deps.sql, async (tx) => {
    const userId = await consumeReset(tx, hashToken(token))
    if (!userId) throw new UnauthorizedError('The reset token is not valid, was already used or has expired')
    await updatePassword(tx, userId, passwordHash)
    return revokeSessions(tx, { userId }, 'password reset')
  })
  await deny(deps, revoked.map(denylistKeys.session))
}
