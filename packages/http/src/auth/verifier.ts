import type { Logger } from '@careforall/logger'
import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose'
import { ServiceUnavailableError, UnauthorizedError } from '../errors'
import type { Redis } from '../redis'
import type { AuthUser } from '../types'
import { ACCESS_TOKEN_TYPE, denylistKeys, TOKEN_ALGORITHMS, TOKEN_AUDIENCE, TOKEN_ISSUER } from './tokens'

export interface TokenVerifier {
  /** The caller of a bearer token, or an UnauthorizedError saying why not. */
  verify(token: string): Promise<AuthUser>
}

export interface VerifierOptions {
  /** The auth service's JWKS URL (cached by jose); or `keys` for the auth service itself. */
  jwksUrl?: string
  keys?: JWTVerifyGetKey
  /** The denylist; without it only the signature and claims are checked (the gateway's early check). */
  redis?: Redis
  logger: Logger
}

/**
 * Verifies access tokens locally: EdDSA only, `iss`, `aud`, `typ` and `exp` checked, keys from the
 * auth service's JWKS (fetched once, cached, refetched on an unknown `kid`), then the Redis
 * denylist so a revoked session or disabled user is refused at once rather than at expiry.
 * With Redis down the denylist check fails open (logged): availability over a window of at most
 * one access-token lifetime, since refresh is refused by the auth service's own database.
 */
export function createTokenVerifier(options: VerifierOptions): TokenVerifier {
  const keys =
    options.keys ?? createRemoteJWKSet(new URL(options.jwksUrl ?? ''), { cacheMaxAge: 10 * 60_000 })
  return {
    async verify(token) {
      let payload: Awaited<ReturnType<typeof jwtVerify>>['payload']
      try {
        ;({ payload } = await jwtVerify(token, keys, {
          algorithms: [...TOKEN_ALGORITHMS],
          issuer: TOKEN_ISSUER,
          audience: TOKEN_AUDIENCE,
          typ: ACCESS_TOKEN_TYPE,
          requiredClaims: ['sub', 'exp', 'iat', 'sid'],
        }))
      } catch (error) {
        // Not the token's fault: the keys could not be fetched. Refusing would sign everyone out.
        if (error instanceof errors.JWKSTimeout || !(error instanceof errors.JOSEError)) {
          options.logger.error({ err: error }, 'cannot fetch the token signing keys')
          throw new ServiceUnavailableError('Access tokens cannot be verified right now; retry shortly')
        }
        throw new UnauthorizedError(describe(error))
      }
      const role = payload.role === 'admin' ? 'admin' : 'donor'
      const user: AuthUser = { id: String(payload.sub), role, sessionId: String(payload.sid) }
      if (options.redis && (await isDenied(options.redis, user, options.logger))) {
        throw new UnauthorizedError('The session has ended')
      }
      return user
    },
  }
}

async function isDenied(redis: Redis, user: AuthUser, logger: Logger): Promise<boolean> {
  try {
    const hits = await redis.exists(denylistKeys.user(user.id), denylistKeys.session(user.sessionId ?? ''))
    return hits > 0
  } catch (error) {
    logger.warn({ err: error }, 'token denylist unavailable; allowing the request')
    return false
  }
}

function describe(error: InstanceType<typeof errors.JOSEError>): string {
  if (error instanceof errors.JWTExpired) return 'The access token has expired'
  if (error instanceof errors.JWTClaimValidationFailed)
    return `The access token's ${error.claim} claim is not valid`
  return 'The access token is not valid'
}
