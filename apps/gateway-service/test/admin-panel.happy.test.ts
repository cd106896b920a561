import { afterAll, describe, expect, it } from 'bun:test'
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PROBLEM_CONTENT_TYPE } from '@careforall/contracts'
import { ADMIN_CSP } from '../src/routes/admin-panel/admin-panel'
import { rawStatus, startGateway } from './helpers/gateway'

// A build as Vite lays it out: index.html and content-hashed bundles under assets/.
const dir = await mkdtemp(join(tmpdir(), 'admin-dist-'))
await mkdir(join(dir, 'assets'))
await writeFile(join(dir, 'index.html'), '<!doctype html><div id="root"></div>')
await writeFile(join(dir, 'assets', 'index-Ab12Cd.js'), 'console.log("panel")')
await writeFile(join(tmpdir(), 'outside-admin.txt'), 'secret')

const gateway = startGateway({}, { adminDir: dir })
const unbuilt = startGateway({}, { adminDir: join(dir, 'missing') })
afterAll(async () => {
  gateway.stop()
  unbuilt.stop()
  await rm(dir, { recursive: true })
})

describe('the admin panel at /admin', () => {
  it('redirects /admin to /admin/ and serves the page with its CSP, revalidated on every load', async () => {
    const redirect = await fetch(`${gateway.url}/admin`, { redirect: 'manual' })
    expect(redirect.status).toBe(308)
    expect(redirect.headers.get('location')).toBe('/admin/')
    const page = await fetch(`${gateway.url}/admin/`)
    expect(page.status).toBe(200)
    expect(page.headers.get('content-type')).toStartWith('text/html')
    expect(page.headers.get('cache-control')).toBe('no-cache')
    expect(page.headers.get('content-security-policy')).toBe(ADMIN_CSP)
    expect(page.headers.get('x-content-type-options')).toBe('nosniff')
    expect(await page.text()).toContain('id="root"')
  })

  it("answers the panel's own routes with the page, so a reload or a shared link works", async () => {
    for (const path of ['/admin/campaigns', '/admin/pledges/01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f?x=1']) {
      const response = await fetch(`${gateway.url}${path}`)
      expect(response.status).toBe(200)
      expect(await response.text()).toContain('id="root"')
    }
  })

  it('serves hashed bundles cached for a year, and a missing bundle as a 404 problem, not the page', async () => {
    const bundle = await fetch(`${gateway.url}/admin/assets/index-Ab12Cd.js`)
    expect(bundle.status).toBe(200)
    expect(bundle.headers.get('content-type')).toContain('javascript')
    expect(bundle.headers.get('cache-control')).toBe('public, max-age=31536000, immutable')
    const missing = await fetch(`${gateway.url}/admin/assets/index-Old000.js`)
    expect(missing.status).toBe(404)
    expect(missing.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE)
  })

  it('never serves a file outside the build', async () => {
    for (const target of [
      '/admin/../outside-admin.txt',
      '/admin/..%2foutside-admin.txt',
      '/admin/%2e%2e/outside-admin.txt',
    ]) {
      expect(await rawStatus(gateway.port, target)).not.toBe(200)
    }
    // Not a file of the build: the panel's page (a client route), never the host's file.
    const doubled = await fetch(`${gateway.url}/admin//etc/passwd`)
    expect(await doubled.text()).not.toContain('root:')
  })

  it('says how to build the panel while it is not built', async () => {
    const response = await fetch(`${unbuilt.url}/admin/`)
    expect(response.status).toBe(503)
    expect(response.headers.get('content-type')).toBe(PROBLEM_CONTENT_TYPE)
    expect((await response.json()).detail).toContain('@careforall/admin build')
  })
})
