export { bearerToken, optionalAuth, requireAuth, requireRole } from './auth/middleware'
export {
  guardsFor,
  isAdminOr,
  type RouterAuth,
  Security,
  type SecurityRequirement,
} from './auth/security'
export {
  ACCESS_TOKEN_TTL_SECONDS,
  ACCESS_TOKEN_TYPE,
  denylistKeys,
  TOKEN_ALGORITHMS,
  TOKEN_AUDIENCE,
  TOKEN_ISSUER,
} from './auth/tokens'
export { createTokenVerifier, type TokenVerifier, type VerifierOptions } from './auth/verifier'
export { clientIp, type TrustProxy, trustProxies } from './client-ip'
export { localDatabaseUrl, parseEnv, port, serviceEnv, socketLimitsEnv } from './config'
export {
  type CreateAppOptions,
  createApp,
  createRouter,
  invalidRequest,
  redactUrl,
  withMiddleware,
} from './create-app'
export {
  AppError,
  BadRequestError,
  ConflictError,
  ForbiddenError,
  type MappedError,
  mapError,
  NotFoundError,
  ServiceUnavailableError,
  statusTitle,
  UnauthorizedError,
  UnprocessableError,
} from './errors'
export {
  canonicalJson,
  fingerprintOf,
  IDEMPOTENCY_HEADER,
  IdempotencyKeyHeader,
  type IdempotencyOptions,
  idempotencyMigrations,
  idempotently,
  type StoredResponse,
  startIdempotencyReaper,
} from './idempotency'
export { INTERNAL_SECRET_HEADER, requireInternalSecret } from './internal'
export { createInternalClient, type InternalClientOptions, type InternalGet } from './internal-client'
export { jsonContent, problemResponses } from './openapi'
export {
  checkReadiness,
  DEAD_LETTER_DEPTHS,
  dependencyChecks,
  holdReadiness,
  type ReadinessChecks,
  releaseReadiness,
  startDraining,
} from './ops'
export { cursorFrom, nextCursorOf } from './pagination'
export { problemResponse, statusProblem } from './problem'
export { createLimiter, type Limiter, type RateLimitOptions, rateLimit } from './rate-limit'
export { createRedis, pingRedis, type Redis } from './redis'
export { type RunningServer, type ServeOptions, serve } from './serve'
export type { AppEnv, AppOpenAPI, AppRouteHandler, AuthUser } from './types'
export { startUnreadyWatchdog, type UnreadyWatchdog, type UnreadyWatchdogOptions } from './watchdog'
