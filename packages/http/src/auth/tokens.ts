/** Who issues access tokens and for whom: checked on every verify. */
export const TOKEN_ISSUER = 'careforall-auth'
export const TOKEN_AUDIENCE = 'careforall-api'
/** RFC 9068's `typ` for JWT access tokens: a refresh or ID token can never pass as one. */
export const ACCESS_TOKEN_TYPE = 'at+jwt'
/** The only algorithm accepted: `none`, HS256 and friends are refused before any key is looked at. */
export const TOKEN_ALGORITHMS = ['EdDSA'] as const
export const ACCESS_TOKEN_TTL_SECONDS = 15 * 60

/** Redis keys of the denylist that refuses revoked sessions and disabled users within seconds. */
export const denylistKeys = {
  user: (userId: string) => `denylist:user:${userId}`,
  session: (sessionId: string) => `denylist:session:${sessionId}`,
}
