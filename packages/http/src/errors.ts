import { PROBLEM_BASE, type Problem } from '@careforall/contracts'
import { HTTPException } from 'hono/http-exception'

/**
 * A failure the caller can act on: it becomes a problem+json response with its own status, type
 * and detail. Anything else that is thrown is a 500 that says nothing about its cause.
 */
export class AppError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    readonly title: string,
    detail?: string,
    /** Extra members of the problem body (e.g. `allowed` moves of a state machine). */
    readonly extra: Record<string, unknown> = {},
    /** Extra response headers (e.g. `Retry-After`). */
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title)
    this.name = new.target.name
  }
}

export class BadRequestError extends AppError {
  constructor(detail: string, extra?: Record<string, unknown>) {
    super(400, 'bad-request', 'Bad Request', detail, extra)
  }
}
export class UnauthorizedError extends AppError {
  constructor(detail = 'Authentication is required') {
    super(401, 'unauthorized', 'Unauthorized', detail, {}, { 'WWW-Authenticate': 'Bearer' })
  }
}
export class ForbiddenError extends AppError {
  constructor(detail = 'You are not allowed to do this') {
    super(403, 'forbidden', 'Forbidden', detail)
  }
}
export class NotFoundError extends AppError {
  constructor(detail = 'The resource does not exist') {
    super(404, 'not-found', 'Not Found', detail)
  }
}
export class ConflictError extends AppError {
  constructor(detail: string, extra?: Record<string, unknown>, headers?: Record<string, string>) {
    super(409, 'conflict', 'Conflict', detail, extra, headers)
  }
}
export class UnprocessableError extends AppError {
  constructor(detail: string, extra?: Record<string, unknown>) {
    super(422, 'unprocessable', 'Unprocessable Content', detail, extra)
  }
}
export class ServiceUnavailableError extends AppError {
  constructor(detail: string, extra?: Record<string, unknown>) {
    super(503, 'service-unavailable', 'Service Unavailable', detail, extra, { 'Retry-After': '5' })
  }
}

export interface MappedError {
  problem: Problem
  headers: Record<string, string>
  /** True for 5xx: the caller should log it with its stack. */
  unexpected: boolean
}

interface DatabaseProblem {
  slug: string
  title: string
  status: number
  detail: string
  /** Whether the client may simply retry (then it is told when). */
  retry: boolean
}

const conflict: DatabaseProblem = {
  slug: 'conflict',
  title: 'Conflict',
  status: 409,
  detail: 'A resource with these values already exists',
  retry: false,
}
const concurrentUpdate: DatabaseProblem = {
  slug: 'concurrent-update',
  title: 'Concurrent update',
  status: 409,
  detail: 'The resource was changed by another request at the same time; retry the request',
  retry: true,
}
const outOfConnections: DatabaseProblem = {
  slug: 'service-unavailable',
  title: 'Service Unavailable',
  status: 503,
  detail: 'The service is out of database capacity right now; retry shortly',
  retry: true,
}

/**
 * The database errors a client gets a meaningful answer for, by PostgreSQL (or postgres.js) code:
 * a unique violation; a serialization failure or deadlock that outlived the transaction's own
 * retries; no connection to run on (53300 too_many_connections, 57P01–57P03 shutting down or
 * cannot connect now, a connect timeout or refusal), where nothing was written.
 */
const DATABASE_PROBLEMS: Record<string, DatabaseProblem> = {
  '23505': conflict,
  '40001': concurrentUpdate,
  '40P01': concurrentUpdate,
  '53300': outOfConnections,
  '57P01': outOfConnections,
  '57P02': outOfConnections,
  '57P03': outOfConnections,
  CONNECT_TIMEOUT: outOfConnections,
  ECONNREFUSED: outOfConnections,
}

/**
 * The one mapping from anything thrown to a problem body (Medusa's error handler, Unkey's 5xx
 * masking): typed domain errors keep their status; Postgres unique violations (23505) become 409;
 * serialization failures and deadlocks (40001, 40P01) that outlived the transaction's own retries
 * become a 409 the client may retry; the database refusing or dropping connections (too many
 * clients, shutting down, connect timeout) is a 503 with Retry-After, since nothing was written
 * (`DATABASE_PROBLEMS`); Hono's HTTP exceptions (malformed JSON, body too large) keep their status; everything else is a 500 carrying only the request id.
 */
export function mapError(error: unknown, requestId?: string): MappedError {
  const withId = (problem: Problem): Problem => (requestId ? { ...problem, requestId } : problem)
  if (error instanceof AppError) {
    return {
      problem: withId({
        ...error.extra, // first: an extra member can never replace the standard ones
        type: PROBLEM_BASE + error.type,
        title: error.title,
        status: error.status,
        detail: error.message,
      }),
      headers: error.headers,
      unexpected: error.status >= 500,
    }
  }
  const code = (error as { code?: unknown } | null)?.code
  const known = typeof code === 'string' ? DATABASE_PROBLEMS[code] : undefined
  if (known) {
    return {
      problem: withId({
        type: PROBLEM_BASE + known.slug,
        title: known.title,
        status: known.status,
        detail: known.detail,
      }),
      headers: known.retry ? { 'Retry-After': '1' } : {},
      unexpected: known.status >= 500,
    }
  }
  if (error instanceof HTTPException && error.status < 500) {
    return {
      problem: withId({
        type: PROBLEM_BASE + slug(error.status),
        title: statusTitle(error.status),
        status: error.status,
        detail: error.message || statusTitle(error.status),
      }),
      headers: {},
      unexpected: false,
    }
  }
  return {
    problem: withId({ type: `${PROBLEM_BASE}internal`, title: 'Internal Server Error', status: 500 }),
    headers: {},
    unexpected: true,
  }
}

const TITLES: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  409: 'Conflict',
  413: 'Content Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Content',
  429: 'Too Many Requests',
  499: 'Client Closed Request',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
}

export function statusTitle(status: number): string {
  return TITLES[status] ?? (status >= 500 ? 'Server Error' : 'Client Error')
}

function slug(status: number): string {
  return statusTitle(status).toLowerCase().replaceAll(' ', '-')
}
