import type { Problem } from '@careforall/contracts'
import { type Session, session } from './session'

/** A non-2xx answer of the gateway, with its problem+json body. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly problem: Problem,
  ) {
    super(problem.detail ?? problem.title)
  }

  /** Validation errors by field path, for forms. */
  get fieldErrors(): Record<string, string> {
    return Object.fromEntries((this.problem.errors ?? []).map((e) => [e.path, e.message]))
  }
}

export type Query = Record<string, string | number | boolean | undefined | null>

export interface RequestOptions {
  method?: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE'
  query?: Query
  body?: unknown
  /** For the API's (I) routes: one key per user action, reused when the same action is retried. */
  idempotencyKey?: string
  signal?: AbortSignal
}

/** Where the API is: the page's own origin (the gateway serves the panel and the API). */
export function apiUrl(path: string, query?: Query): string {
  const url = new URL(path, globalThis.location?.origin ?? 'http://localhost')
  for (const [name, value] of Object.entries(query ?? {})) {
    if (value !== undefined && value !== null && value !== '') url.searchParams.set(name, String(value))
  }
  return url.toString()
}

let refreshing: Promise<Session | null> | null = null

/** Trades the refresh token for new tokens once, however many requests asked at the same time. */
export function refreshSession(): Promise<Session | null> {
  const current = session.get()
  if (!current) return Promise.resolve(null)
  refreshing ??= (async () => {
    try {
      const response = await fetch(apiUrl('/api/auth/refresh'), {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ refreshToken: current.refreshToken }),
      })
      if (!response.ok) {
        session.set(null)
        return null
      }
      const result = (await response.json()) as AuthResult
      const next = toSession(result)
      session.set(next)
      return next
    } catch {
      return session.get()
    } finally {
      refreshing = null
    }
  })()
  return refreshing
}

export interface AuthResult {
  user: Session['user']
  accessToken: string
  refreshToken: string
  expiresIn: number
}

export function toSession(result: AuthResult): Session {
  return {
    user: result.user,
    accessToken: result.accessToken,
    refreshToken: result.refreshToken,
    expiresAt: Date.now() + result.expiresIn * 1000,
  }
}

async function send(path: string, options: RequestOptions, token: string | undefined): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json' }
  if (options.body !== undefined) headers['content-type'] = 'application/json'
  if (token) headers.authorization = `Bearer ${token}`
  if (options.idempotencyKey) headers['idempotency-key'] = options.idempotencyKey
  return fetch(apiUrl(path, options.query), {
    method: options.method ?? 'GET',
    headers,
    body: options.body === undefined ? undefined : JSON.stringify(options.body),
    signal: options.signal,
  })
}

async function problemOf(response: Response): Promise<Problem> {
  try {
    const body = (await response.json()) as Partial<Problem>
    return { type: 'about:blank', title: response.statusText || 'Error', status: response.status, ...body }
  } catch {
    return { type: 'about:blank', title: response.statusText || 'Error', status: response.status }
  }
}

/**
 * Calls the gateway's API as the signed-in admin: refreshes the access token shortly before it
 * expires, and once more on a 401, then gives up and signs out. Errors are thrown as ApiError.
 */
export async function api<T>(path: string, options: RequestOptions = {}): Promise<T> {
  let current = session.get()
  if (current && current.expiresAt - Date.now() < 30_000) current = await refreshSession()
  let response = await send(path, options, current?.accessToken)
  if (response.status === 401 && current) {
    const renewed = await refreshSession()
    if (renewed) response = await send(path, options, renewed.accessToken)
  }
  if (!response.ok) throw new ApiError(response.status, await problemOf(response))
  if (response.status === 204 || response.status === 202) {
    const text = await response.text()
    return (text ? JSON.parse(text) : undefined) as T
  }
  return (await response.json()) as T
}

/** A fresh idempotency key for one user action (a retry of the same action reuses it). */
export function newIdempotencyKey(): string {
  return crypto.randomUUID()
}
