export { localDatabaseUrl, parseEnv, port, serviceEnv } from './config'
export { type CreateAppOptions, createApp, createRouter, redactUrl } from './create-app'
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
export { INTERNAL_SECRET_HEADER, requireInternalSecret } from './internal'
export { problemResponses } from './openapi'
export { checkReadiness, type ReadinessChecks, startDraining } from './ops'
export { problemResponse, statusProblem } from './problem'
export { createRedis, pingRedis, type Redis } from './redis'
export { type RunningServer, type ServeOptions, serve } from './serve'
export type { AppEnv, AppOpenAPI, AppRouteHandler, AuthUser } from './types'
