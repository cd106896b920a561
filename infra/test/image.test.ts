import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { existsSync } from 'node:fs'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { freePort } from '@careforall/devkit/testing'
import { DockerfileParser } from 'dockerfile-ast'
import { validate } from 'dockerfile-utils'
import { type ReplayedImage, replayDockerfile } from './support/dockerfile'

// The service images without Docker: the Dockerfile is linted (dockerfile-utils, the parser of
// the Docker language server), then its build is replayed step by step in a clean folder outside
// the repository (context filtered by .dockerignore, the frozen `--filter` install, the stage
// copies), and the images' own commands run from the result: the setup target prepares a
// database, the service target starts, answers /health and /ready, passes its HEALTHCHECK, and
// drains on SIGTERM. Only the base image is this machine instead of oven/bun (same Bun version).
const root = new URL('../..', import.meta.url).pathname
const dockerfile = join(root, 'infra/docker/service.Dockerfile')
const SERVICE = 'campaign-service'

const text = await readFile(dockerfile, 'utf8')
const instructions = DockerfileParser.parse(text).getInstructions()
const packageManager = (
  JSON.parse(await readFile(join(root, 'package.json'), 'utf8')) as { packageManager: string }
).packageManager

describe('service.Dockerfile', () => {
  it('has no problems dockerfile-utils reports', () => {
    const problems = validate(text).map((d) => `line ${d.range.start.line + 1}: ${d.message}`)
    expect(problems).toEqual([])
  })

  it('pins the official Bun image at the version of packageManager', () => {
    const image = instructions.find(
      (i) => i.getKeyword() === 'ARG' && i.getArgumentsContent()?.startsWith('BUN_IMAGE='),
    )
    const version = packageManager.replace(/^bun@/, '')
    expect(image?.getArgumentsContent()).toBe(`BUN_IMAGE=oven/bun:${version}-slim`)
    expect(Bun.version).toBe(version) // the replay below stands on this machine's bun
    for (const from of instructions.filter((i) => i.getKeyword() === 'FROM'))
      expect(from.getArgumentsContent()).toMatch(/^\$\{BUN_IMAGE\} AS [a-z]+$/)
  })

  it('installs from the frozen lockfile, only the production dependencies of one workspace', () => {
    const install = instructions.filter(
      (i) => i.getKeyword() === 'RUN' && /bun install/.test(i.getArgumentsContent() ?? ''),
    )
    // The service's own install, and the admin panel's build in the stage only the gateway uses.
    expect(install).toHaveLength(2)
    for (const run of install) expect(run.getArgumentsContent()).toContain('bun install --frozen-lockfile')
    expect(install[0]?.getArgumentsContent()).toContain('bun install --frozen-lockfile --production --filter')
    expect(install[1]?.getArgumentsContent()).toContain('--filter ./apps/admin')
  })

  it('runs as a non-root user, with a health check and the OpenTelemetry preload', () => {
    const last = instructions.slice(instructions.findLastIndex((i) => i.getKeyword() === 'FROM'))
    const of = (keyword: string) =>
      last.filter((i) => i.getKeyword() === keyword).map((i) => i.getArgumentsContent())
    expect(of('USER')).toEqual(['bun'])
    expect(of('HEALTHCHECK')).toHaveLength(1)
    expect(of('CMD')).toEqual(['["bun", "--preload", "@careforall/otel/register", "src/index.ts"]'])
  })
})

describe(`the ${SERVICE} and setup images, replayed without Docker`, () => {
  let world: TestResources
  let dir: string
  let service: ReplayedImage
  let setup: ReplayedImage
  let gateway: ReplayedImage

  beforeAll(async () => {
    world = await createTestResources()
    dir = await mkdtemp(join(tmpdir(), 'cfa-image-'))
    ;[service, setup, gateway] = await Promise.all([
      replayDockerfile({ dockerfile, context: root, into: join(dir, 'service'), buildArgs: { SERVICE } }),
      replayDockerfile({ dockerfile, context: root, into: join(dir, 'setup'), target: 'setup' }),
      replayDockerfile({
        dockerfile,
        context: root,
        into: join(dir, 'gateway'),
        buildArgs: { SERVICE: 'gateway-service' },
      }),
    ])
  }, 180_000)

  afterAll(async () => {
    if (dir) await rm(dir, { recursive: true, force: true })
    await world?.cleanup()
  }, 60_000)

  it('copies only what .dockerignore lets in, and only this service', async () => {
    const app = join(service.root, 'app')
    expect((await readdir(join(app, 'apps'))).sort()).toEqual(['admin', SERVICE])
    // Only the gateway's image carries the admin panel's build; the others get an empty folder.
    expect(await readdir(join(app, 'apps', 'admin'))).toEqual(['dist'])
    expect(await readdir(join(app, 'apps', 'admin', 'dist'))).toEqual([])
    expect(existsSync(join(app, 'apps', SERVICE, 'test'))).toBe(false)
    expect(existsSync(join(app, 'packages/e2e/src'))).toBe(false)
    expect(existsSync(join(app, '.git'))).toBe(false)
    // Production dependencies only: the repository's tooling is not in the image.
    for (const tool of ['@biomejs/biome', 'turbo', '@types/bun', 'fast-check'])
      expect(existsSync(join(app, 'node_modules', tool))).toBe(false)
  })

  it('the setup image creates the database, schemas and roles (idempotent)', async () => {
    const proc = Bun.spawn(setup.cmd, {
      cwd: setup.workdir,
      env: {
        PATH: Bun.env.PATH,
        ...setup.env,
        DATABASE_ADMIN_URL: world.adminUrl.replace(/\/[^/]*$/, '/postgres'),
        DATABASE_NAME: world.database,
        RABBITMQ_URL: world.rabbitmqUrl,
        REDIS_URL: world.redisUrl,
      },
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const [code, out] = await Promise.all([proc.exited, new Response(proc.stdout).text()])
    expect(code).toBe(0)
    expect(out).toContain(`schemas and roles ready in ${world.database}`)
  }, 30_000)

  it('the service image starts from the replayed folder, is healthy and ready, and drains', async () => {
    const port = await freePort()
    // The container's environment: the image's ENV plus what compose or Kubernetes would set.
    const env = {
      PATH: Bun.env.PATH,
      ...service.env,
      PORT: String(port),
      DATABASE_URL: world.databaseUrl('campaign'),
      RABBITMQ_URL: world.rabbitmqUrl,
      REDIS_URL: world.redisUrl,
      REDIS_PREFIX: world.redisPrefix,
      OTEL_SDK_DISABLED: 'false',
      INTERNAL_SERVICE_SECRET: 'image-test-internal-secret',
    }
    const proc = Bun.spawn(service.cmd, {
      cwd: service.workdir,
      env,
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const logs = new Response(proc.stdout).text()
    try {
      const base = `http://127.0.0.1:${port}`
      const answer = async (path: string) =>
        fetch(`${base}${path}`, { signal: AbortSignal.timeout(1000) })
          .then((r) => r.status)
          .catch(() => 0)
      const deadline = Date.now() + 30_000
      while ((await answer('/ready')) !== 200 && Date.now() < deadline) await Bun.sleep(200)
      expect(await answer('/health')).toBe(200)
      expect(await answer('/ready')).toBe(200)
      // The HEALTHCHECK as Docker runs it: inside the container, with the container's environment.
      const check = Bun.spawnSync(service.healthcheck ?? ['false'], { cwd: service.workdir, env })
      expect({ code: check.exitCode, stderr: check.stderr.toString() }).toEqual({ code: 0, stderr: '' })
      const metrics = await fetch(`${base}/metrics`).then((r) => r.text())
      expect(metrics).toContain(`service_name="${SERVICE}"`)
    } finally {
      proc.kill('SIGTERM')
    }
    expect(await proc.exited).toBe(0)
    const lines = (await logs).split('\n').filter(Boolean)
    expect(lines.some((line) => line.includes(`"serviceName":"${SERVICE}"`))).toBe(true)
  }, 60_000)

  it("the gateway's image serves the admin panel's build at /admin, without the build tools", async () => {
    const app = join(gateway.root, 'app')
    expect(await readdir(join(app, 'apps', 'admin'))).toEqual(['dist'])
    expect(existsSync(join(app, 'apps', 'admin', 'dist', 'index.html'))).toBe(true)
    for (const tool of ['vite', 'react', '@vitejs/plugin-react'])
      expect(existsSync(join(app, 'node_modules', tool))).toBe(false)
    const port = await freePort()
    const proc = Bun.spawn(gateway.cmd, {
      cwd: gateway.workdir,
      env: {
        PATH: Bun.env.PATH,
        ...gateway.env,
        PORT: String(port),
        INTERNAL_SERVICE_SECRET: 'image-test-secret',
      },
      stdout: 'ignore',
      stderr: 'ignore',
    })
    try {
      const base = `http://127.0.0.1:${port}`
      const deadline = Date.now() + 30_000
      const health = () =>
        fetch(`${base}/health`, { signal: AbortSignal.timeout(1000) })
          .then((r) => r.status)
          .catch(() => 0)
      while ((await health()) !== 200 && Date.now() < deadline) await Bun.sleep(200)
      const page = await fetch(`${base}/admin/campaigns`)
      expect(page.status).toBe(200)
      const html = await page.text()
      expect(html).toContain('Care For All · Admin')
      const bundle = /src="(\/admin\/assets\/[^"]+\.js)"/.exec(html)?.[1]
      expect(bundle).toBeDefined()
      expect((await fetch(`${base}${bundle}`)).status).toBe(200)
    } finally {
      proc.kill('SIGTERM')
      await proc.exited
    }
  }, 60_000)
})
