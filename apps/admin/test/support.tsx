import { QueryClient, QueryClientProvider } from '@tanstack/react-query'
import { render } from '@testing-library/react'
import type { ReactNode } from 'react'
import { MemoryRouter, Route, Routes } from 'react-router'
import { type Session, session } from '../src/api/session'
import { AuthProvider } from '../src/auth/auth'

export const ADMIN: Session = {
  user: {
    id: '01936f8e-0000-7000-8000-000000000001',
    email: 'admin@example.com',
    name: 'Ada Admin',
    role: 'admin',
    disabled: false,
    createdAt: '2026-11-01T00:00:00.000Z',
  },
  accessToken: 'access-token',
  refreshToken: 'refresh-token',
  expiresAt: Date.now() + 15 * 60_000,
}

export interface Call {
  method: string
  path: string
  query: URLSearchParams
  headers: Headers
  body: unknown
}

type Reply =
  | { status?: number; body?: unknown; headers?: Record<string, string> }
  | 'pending'
  | 'network-error'
type Handler = Reply | ((call: Call) => Reply)

/**
 * Replaces fetch with a table of answers keyed by `METHOD /path` (no query string), and records
 * every call. A missing route answers 404 problem+json, so a test sees a request it did not expect.
 * `'pending'` never answers (the loading state); `'network-error'` rejects like an unreachable host.
 */
export function mockApi(routes: Record<string, Handler>): Call[] {
  const calls: Call[] = []
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(String(input instanceof Request ? input.url : input), 'http://localhost:3000')
    const method = (init?.method ?? 'GET').toUpperCase()
    const call: Call = {
      method,
      path: url.pathname,
      query: url.searchParams,
      headers: new Headers(init?.headers),
      body: typeof init?.body === 'string' ? JSON.parse(init.body) : undefined,
    }
    calls.push(call)
    const key = `${method} ${url.pathname}`
    const handler = routes[key] ?? matchPattern(routes, method, url.pathname)
    const reply = typeof handler === 'function' ? handler(call) : handler
    if (reply === 'pending') return new Promise<Response>(() => {})
    if (reply === 'network-error') throw new TypeError('fetch failed')
    if (!reply) {
      return Response.json(
        { type: 'about:blank', title: 'Not Found', status: 404, detail: `no mock for ${key}` },
        { status: 404, headers: { 'content-type': 'application/problem+json' } },
      )
    }
    const status = reply.status ?? 200
    if (status === 204) return new Response(null, { status })
    const contentType = status >= 400 ? 'application/problem+json' : 'application/json'
    return new Response(JSON.stringify(reply.body ?? {}), {
      status,
      headers: { 'content-type': contentType, ...reply.headers },
    })
  }) as typeof fetch
  return calls
}

/** Routes may use `:param` segments: `GET /api/campaigns/:id`. */
function matchPattern(routes: Record<string, Handler>, method: string, path: string): Handler | undefined {
  for (const [key, handler] of Object.entries(routes)) {
    const [m, pattern] = key.split(' ')
    if (m !== method || !pattern?.includes(':')) continue
    const regex = new RegExp(`^${pattern.replace(/:[^/]+/g, '[^/]+')}$`)
    if (regex.test(path)) return handler
  }
  return undefined
}

export function problem(status: number, title: string, detail?: string) {
  return { status, body: { type: 'about:blank', title, status, ...(detail ? { detail } : {}) } }
}

/**
 * Renders a page as the panel would: signed in as an admin (unless `signedIn: false`), at `path`,
 * with the route pattern `route` so `useParams` works, and a fresh query cache without retries.
 */
export function renderPage(
  page: ReactNode,
  { path = '/', route = '*', signedIn = true }: { path?: string; route?: string; signedIn?: boolean } = {},
) {
  session.set(signedIn ? { ...ADMIN, expiresAt: Date.now() + 15 * 60_000 } : null)
  const queryClient = new QueryClient({
    defaultOptions: { queries: { retry: false }, mutations: { retry: false } },
  })
  return render(
    <QueryClientProvider client={queryClient}>
      <AuthProvider>
        <MemoryRouter initialEntries={[path]}>
          <Routes>
            <Route path={route} element={page} />
            <Route path="*" element={<div>elsewhere</div>} />
          </Routes>
        </MemoryRouter>
      </AuthProvider>
    </QueryClientProvider>,
  )
}
