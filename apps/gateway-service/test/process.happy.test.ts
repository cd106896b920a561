import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { inheritedEnv } from '@careforall/devkit/testing'
import { closedPortUrl, type FakeUpstream, startUpstream } from './helpers/upstream'

const serviceDir = new URL('..', import.meta.url).pathname

describe('gateway-service as a process', () => {
  let upstream: FakeUpstream
  let proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  let url: string
  let output = ''

  beforeAll(async () => {
    upstream = startUpstream('campaign-service')
    const port = Number(new URL(closedPortUrl()).port)
    url = `http://127.0.0.1:${port}`
    const upstreams = Object.fromEntries(
      ['AUTH', 'CAMPAIGN', 'PLEDGE', 'PAYMENT', 'TOTALS', 'CHAT'].map((name) => [
        `${name}_SERVICE_URL`,
        upstream.url,
      ]),
    )
    // Started the way `bun run start` does, telemetry preloaded.
    proc = Bun.spawn([process.execPath, '--preload', '@careforall/otel/register', 'src/index.ts'], {
      cwd: serviceDir,
      env: { ...inheritedEnv, ...upstreams, PORT: String(port), NODE_ENV: 'test', LOG_LEVEL: 'info' },
      stdin: 'ignore',
      stdout: 'pipe',
      stderr: 'pipe',
    })
    const collect = async (stream: ReadableStream<Uint8Array>) => {
      for await (const chunk of stream) output += new TextDecoder().decode(chunk)
    }
    void collect(proc.stdout)
    void collect(proc.stderr)
    const deadline = Date.now() + 15_000
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`gateway exited with ${proc.exitCode}:\n${output}`)
      const ok = await fetch(`${url}/ready`)
        .then((res) => res.ok)
        .catch(() => false)
      if (ok) return
      await Bun.sleep(100)
    }
    throw new Error(`gateway was not ready in time:\n${output}`)
  }, 20_000)

  afterAll(() => {
    if (proc?.exitCode === null) proc.kill('SIGKILL')
    upstream?.stop()
  })

  it('reads its upstreams from the environment and forwards to them', async () => {
    const res = await fetch(`${url}/api/campaigns?limit=1`)
    expect(await res.json()).toEqual({ ok: true, service: 'campaign-service' })
    const status = (await (await fetch(`${url}/api/status`)).json()) as { status: string }
    expect(status.status).toBe('ready')
  })

  it('serves the merged OpenAPI document, its docs page and its metrics', async () => {
    const doc = (await (await fetch(`${url}/openapi.json`)).json()) as { info: { title: string } }
    expect(doc.info.title).toBe('Care For All API')
    expect(await (await fetch(`${url}/docs`)).text()).toContain('/docs/scalar.js')
    expect(await (await fetch(`${url}/metrics`)).text()).toContain('target_info')
  })

  it('writes its logs as JSON lines in the platform format', () => {
    const line = output.split('\n').find((entry) => entry.includes('"listening"'))
    expect(JSON.parse(line ?? '{}')).toMatchObject({ level: 'info', serviceName: 'gateway-service' })
  })

  it('stops cleanly on SIGTERM', async () => {
    proc.kill('SIGTERM')
    expect(await proc.exited).toBe(0)
    expect(output).toContain('"stopped"')
  })
})
