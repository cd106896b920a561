import { join } from 'node:path'
import { statusProblem } from '@careforall/http'
import { Hono } from 'hono'
import { serveStatic } from 'hono/bun'

export interface AdminPanelOptions {
  /** The panel's build (`apps/admin/dist`); may not exist yet, and may appear later. */
  dir: string
}

/**
 * The built panel loads only its own scripts and styles and talks only to this origin (the API,
 * the totals stream and the chat socket); React sets styles through the DOM, recharts through
 * attributes, so `'unsafe-inline'` for styles is the one allowance.
 */
export const ADMIN_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "font-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'self'",
].join('; ')

/** Vite names its bundles by content hash: a changed file gets a new name, so they never go stale. */
const IMMUTABLE = 'public, max-age=31536000, immutable'
/** The page itself must be revalidated, so a new build is picked up on the next load. */
const REVALIDATE = 'no-cache'

/**
 * Serves the admin panel at `/admin`: its hashed assets with a year's cache, anything else under
 * `/admin/` that is not a file (the panel's client-side routes) with `index.html`, and a clear
 * 503 while it has not been built.
 */
export function adminPanel({ dir }: AdminPanelOptions) {
  const app = new Hono()
  const index = join(dir, 'index.html')

  // The app's router is not strict (its `c.req.path` drops a trailing slash): read the URL itself.
  app.get('/admin', (c, next) =>
    new URL(c.req.url).pathname === '/admin' ? c.redirect('/admin/', 308) : next(),
  )
  app.use(
    '/admin/*',
    serveStatic({
      root: dir,
      rewriteRequestPath: (path) => path.slice('/admin'.length),
      onFound: (path, c) => {
        c.header('Cache-Control', path.includes('/assets/') ? IMMUTABLE : REVALIDATE)
        if (path.endsWith('.html')) c.header('Content-Security-Policy', ADMIN_CSP)
      },
    }),
  )
  app.get('/admin/*', async (c) => {
    // A missing asset is a 404, not the page: a stale tab asking for an old bundle must fail loudly.
    if (/\.[a-z0-9]+$/i.test(c.req.path)) {
      return statusProblem(c, 404, `${c.req.path} is not part of the admin panel`)
    }
    const file = Bun.file(index)
    if (!(await file.exists())) {
      return statusProblem(
        c,
        503,
        'The admin panel is not built: `bun run --filter @careforall/admin build` (bun run dev builds it)',
      )
    }
    c.header('Cache-Control', REVALIDATE)
    c.header('Content-Security-Policy', ADMIN_CSP)
    return c.body(await file.arrayBuffer(), 200, { 'Content-Type': 'text/html; charset=utf-8' })
  })
  return app
}
