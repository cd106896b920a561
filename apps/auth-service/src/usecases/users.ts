import { Events } from '@careforall/contracts'
import { withTransaction } from '@careforall/db'
import { ConflictError, denylistKeys, NotFoundError } from '@careforall/http'
import { publish } from '@careforall/messaging'
import { hashPassword } from '../domain/password'
import { normalizeEmail } from '../domain/secrets'
import { insertAudit } from '../store/audit'
import { revokeSessions } from '../store/sessions'
import { findUserByEmail, findUserById, insertUser, updateUser as saveUser } from '../store/users'
import { type AccountsDeps, allow, deny, SOURCE } from './accounts'

/** An admin changes a role or the disabled flag; audited; disabling ends every session at once. */
export async function updateUser(
  deps: AccountsDeps,
  actorId: string,
  id: string,
  changes: { role?: 'donor' | 'admin' | undefined; disabled?: boolean | undefined },
) {
  if (actorId === id && (changes.disabled === true || changes.role === 'donor')) {
    throw new ConflictError('An admin cannot disable or demote themself')
  }
  const { user, before } = await withTransaction(
    deps.sql,
    async (tx) => {
      const before = await findUserById(tx, id)
      if (!before) throw new NotFoundError('No user with this id')
      const user = (await saveUser(tx, id, changes))!
      for (const [field, value] of Object.entries(changes)) {
        if (value === undefined || before[field as 'role' | 'disabled'] === value) continue
        await insertAudit(tx, {
          actorId,
          action: field === 'role' ? 'user.role_changed' : value ? 'user.disabled' : 'user.enabled',
          targetId: id,
          details: { from: before[field as 'role' | 'disabled'], to: value },
        })
      }
      if (changes.disabled === true && !before.disabled) {
        await revokeSessions(tx, { userId: id }, 'account disabled')
        await publish(tx, SOURCE, {
          type: Events.AuthUserDisabled,
          aggregate: 'user',
          aggregateId: id,
          data: { userId: id },
        })
      }
      return { user, before }
    },
    { name: 'auth.update-user' },
  )
  if (user.disabled && !before.disabled) await deny(deps, [denylistKeys.user(id)])
  if (!user.disabled && before.disabled) await allow(deps, denylistKeys.user(id))
  if (user.role !== before.role) {
    // A changed role must not ride on tokens issued before it: end the sessions, sign in again.
    const revoked = await revokeSessions(deps.sql, { userId: id }, 'role changed')
    await deny(deps, revoked.map(denylistKeys.session))
  }
  return user
}

/** The first admin, from ADMIN_EMAIL/ADMIN_PASSWORD, created once. */
export async function ensureAdmin(deps: AccountsDeps, email: string, password: string): Promise<void> {
  if (await findUserByEmail(deps.sql, normalizeEmail(email))) return
  await insertUser(deps.sql, {
    email,
    name: 'Administrator',
    passwordHash: await hashPassword(password),
    role: 'admin',
  }).catch((error: { code?: string }) => {
    if (error.code !== '23505') throw error // another instance created it at the same moment
  })
  deps.logger.info({ email }, 'first admin created')
}
