import { Events } from '@careforall/contracts'
import { type Sql, type TransactionSql, withTransaction } from '@careforall/db'
import {
  ACCESS_TOKEN_TTL_SECONDS,
  ConflictError,
  denylistKeys,
  NotFoundError,
  type Redis,
  UnauthorizedError,
} from '@careforall/http'
import type { Logger } from '@careforall/logger'
import { publish } from '@careforall/messaging'
import { hashPassword, verifyAgainstDummy, verifyPassword } from './domain/password'
import { hashToken, newOpaqueToken, normalizeEmail } from './domain/secrets'
import type { KeyRing } from './keys'
import { insertAudit } from './store/audit'
import { consumeReset, insertReset } from './store/resets'
import {
  insertRefreshToken,
  insertSession,
  lockRefreshToken,
  markRotated,
  revokeSessions,
} from './store/sessions'
import {
  findUserByEmail,
  findUserById,
  insertUser,
  type UserRow,
  updatePassword,
  updateUser,
} from './store/users'

const SOURCE = 'auth-service'
/** Denylist entries outlive every access token issued before them. */
const DENY_SECONDS = ACCESS_TOKEN_TTL_SECONDS + 60

export interface ClientMeta {
  ip?: string | undefined
  userAgent?: string | undefined
}

export interface Tokens {
  accessToken: string
  refreshToken: string
}

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

const INVALID_LOGIN = 'Invalid email or password'

/** Registration, login, token rotation, password reset and admin changes: the auth use cases. */
export class Accounts {
  constructor(private readonly deps: AccountsDeps) {}

  async register(input: { email: string; password: string; name: string }, meta: ClientMeta) {
    const passwordHash = await hashPassword(input.password)
    return withTransaction(
      this.deps.sql,
      async (tx) => {
        const user = await insertUser(tx, {
          email: input.email.trim(),
          name: input.name.trim(),
          passwordHash,
        })
        return { user, ...(await this.openSession(tx, user, meta)) }
      },
      { name: 'auth.register' },
    )
  }

  /** Unknown email and wrong password cost the same and fail the same, so accounts stay private. */
  async login(input: { email: string; password: string }, meta: ClientMeta) {
    const user = await findUserByEmail(this.deps.sql, normalizeEmail(input.email))
    const ok = user
      ? await verifyPassword(input.password, user.passwordHash)
      : await verifyAgainstDummy(input.password)
    if (!user || !ok || user.disabled) throw new UnauthorizedError(INVALID_LOGIN)
    return withTransaction(
      this.deps.sql,
      async (tx) => ({ user, ...(await this.openSession(tx, user, meta)) }),
      {
        name: 'auth.login',
      },
    )
  }

  /**
   * Rotates a refresh token. A token that was already rotated is a stolen or replayed one: the
   * whole family (session) ends, so whoever holds the newer token is signed out too.
   */
  async refresh(refreshToken: string) {
    const tokenHash = hashToken(refreshToken)
    const outcome = await withTransaction(
      this.deps.sql,
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
        const accessToken = await this.deps.keys.sign({
          userId: user.id,
          role: user.role,
          sessionId: session.id,
        })
        return { user, accessToken, refreshToken: next } as const
      },
      { name: 'auth.refresh' },
    )
    if ('error' in outcome) {
      if ('reused' in outcome && outcome.reused) await this.deny([denylistKeys.session(outcome.reused)])
      throw new UnauthorizedError(outcome.error)
    }
    return outcome
  }

  /** Ends the family of a refresh token; an unknown or finished one is fine (logout is idempotent). */
  async logout(refreshToken: string): Promise<void> {
    const revoked = await withTransaction(this.deps.sql, async (tx) => {
      const found = await lockRefreshToken(tx, hashToken(refreshToken))
      if (!found) return []
      return revokeSessions(tx, { sessionId: found.sessionId }, 'logout')
    })
    await this.deny(revoked.map(denylistKeys.session))
  }

  async revokeSession(userId: string, sessionId: string): Promise<void> {
    const revoked = await revokeSessions(this.deps.sql, { sessionId, userId }, 'revoked by user')
    if (revoked.length === 0) throw new NotFoundError('No open session with this id')
    await this.deny(revoked.map(denylistKeys.session))
  }

  /** Always succeeds from the caller's view (202): whether the email exists is not revealed. */
  async forgotPassword(email: string): Promise<void> {
    const user = await findUserByEmail(this.deps.sql, normalizeEmail(email))
    if (!user || user.disabled) return
    const token = newOpaqueToken()
    await withTransaction(this.deps.sql, async (tx) => {
      await insertReset(tx, user.id, hashToken(token), this.deps.resetTtlMinutes)
      await publish(tx, SOURCE, {
        type: Events.AuthPasswordResetRequested,
        aggregate: 'user',
        aggregateId: user.id,
        data: { userId: user.id },
      })
    })
    if (!this.deps.production) {
      // No mail service yet: developers take the link from the log. Never in production.
      this.deps.logger.info(
        { resetUrl: `${this.deps.publicUrl}/reset-password?token=${token}` },
        'password reset link',
      )
    }
  }

  /** Sets a new password with a single-use token and ends every session of the account. */
  async resetPassword(token: string, password: string): Promise<void> {
    const passwordHash = await hashPassword(password)
    const revoked = await withTransaction(this.deps.sql, async (tx) => {
      const userId = await consumeReset(tx, hashToken(token))
      if (!userId)
        throw new UnauthorizedError('The reset token is not valid, was already used or has expired')
      await updatePassword(tx, userId, passwordHash)
      return revokeSessions(tx, { userId }, 'password reset')
    })
    await this.deny(revoked.map(denylistKeys.session))
  }

  /** An admin changes a role or the disabled flag; audited; disabling ends every session at once. */
  async updateUser(
    actorId: string,
    id: string,
    changes: { role?: 'donor' | 'admin' | undefined; disabled?: boolean | undefined },
  ) {
    if (actorId === id && (changes.disabled === true || changes.role === 'donor')) {
      throw new ConflictError('An admin cannot disable or demote themself')
    }
    const { user, before } = await withTransaction(
      this.deps.sql,
      async (tx) => {
        const before = await findUserById(tx, id)
        if (!before) throw new NotFoundError('No user with this id')
        const user = (await updateUser(tx, id, changes))!
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
    if (user.disabled && !before.disabled) await this.deny([denylistKeys.user(id)])
    if (!user.disabled && before.disabled) await this.redis(() => this.deps.redis.del(denylistKeys.user(id)))
    if (user.role !== before.role) {
      // A changed role must not ride on tokens issued before it: end the sessions, sign in again.
      const revoked = await revokeSessions(this.deps.sql, { userId: id }, 'role changed')
      await this.deny(revoked.map(denylistKeys.session))
    }
    return user
  }

  /** The first admin, from ADMIN_EMAIL/ADMIN_PASSWORD, created once. */
  async ensureAdmin(email: string, password: string): Promise<void> {
    if (await findUserByEmail(this.deps.sql, normalizeEmail(email))) return
    await insertUser(this.deps.sql, {
      email,
      name: 'Administrator',
      passwordHash: await hashPassword(password),
      role: 'admin',
    }).catch((error: { code?: string }) => {
      if (error.code !== '23505') throw error // another instance created it at the same moment
    })
    this.deps.logger.info({ email }, 'first admin created')
  }

  private async openSession(
    tx: TransactionSql,
    user: UserRow,
    meta: ClientMeta,
  ): Promise<Tokens & { sessionId: string }> {
    const session = await insertSession(tx, {
      userId: user.id,
      ttlDays: this.deps.refreshTtlDays,
      userAgent: meta.userAgent?.slice(0, 300),
      ip: meta.ip,
    })
    const refreshToken = newOpaqueToken()
    await insertRefreshToken(tx, session.id, hashToken(refreshToken))
    const accessToken = await this.deps.keys.sign({ userId: user.id, role: user.role, sessionId: session.id })
    return { accessToken, refreshToken, sessionId: session.id }
  }

  private async deny(keys: string[]): Promise<void> {
    if (keys.length === 0) return
    await this.redis(async () => {
      const pipeline = this.deps.redis.pipeline()
      for (const key of keys) pipeline.set(key, '1', 'EX', DENY_SECONDS)
      await pipeline.exec()
    })
  }

  private async redis(work: () => Promise<unknown>): Promise<void> {
    try {
      await work()
    } catch (error) {
      // The database already says the session is over: refresh is refused, and the access token
      // dies with its 15 minutes. Only the "within seconds" promise is weakened while Redis is away.
      this.deps.logger.error({ err: error }, 'could not update the token denylist')
    }
  }
}
