import { afterEach, describe, expect, it } from 'bun:test'
import { OutageCollapser } from '../src/collapse'
import { createOutput } from '../src/output'
import { type Backoff, type ManagedProcess, startManaged } from '../src/processes'
import { configuredServers } from '../src/servers'
import { freePort } from '../src/testing/spawn'

const fixtures = new URL('./fixtures/', import.meta.url).pathname
const exitOnCrash = new URL('../src/exit-on-crash.ts', import.meta.url).pathname
const FAST: Backoff = { initialMs: 100, maxMs: 400, healthyAfterMs: 20_000 }

const running: ManagedProcess[] = []
afterEach(async () => {
  await Promise.all(running.splice(0).map((p) => p.stop()))
})

/** Runs the fake service under the runner and collects every line the runner prints. */
function run(mode: string, options: { watch?: boolean; env?: Record<string, string> } = {}) {
  const lines: string[] = []
  const output = createOutput({ tty: false, write: (text) => void lines.push(...text.trimEnd().split('\n')) })
  const watch = options.watch ? ['--preload', exitOnCrash, '--watch'] : []
  const managed = startManaged({
    name: 'fake',
    index: 0,
    cwd: fixtures,
    cmd: [process.execPath, ...watch, 'fake-service.ts'],
    env: { PATH: '/usr/bin:/bin', FAKE_MODE: mode, ...options.env },
    raw: true,
    color: false,
    output,
    backoff: FAST,
  })
  running.push(managed)
  return { lines, managed, output }
}

async function until(check: () => boolean, timeoutMs = 8000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) throw new Error('timed out')
    await Bun.sleep(20)
  }
}

const restartLines = (lines: string[]) => lines.filter((l) => l.includes('restarting in'))

describe('the dev runner restarts a service that ends on its own', () => {
  it('after an exit, with a pause that doubles up to its ceiling', async () => {
    const { lines } = run('exit')
    await until(() => restartLines(lines).length >= 4)
    expect(restartLines(lines).slice(0, 4)).toEqual([
      '[fake]      exited with code 3; restarting in 0.1 s',
      '[fake]      exited with code 3; restarting in 0.2 s',
      '[fake]      exited with code 3; restarting in 0.4 s',
      '[fake]      exited with code 3; restarting in 0.4 s',
    ])
  })

  it('after an exit under bun --watch (DEV_WATCH=true)', async () => {
    const { lines, managed } = run('exit', { watch: true })
    await until(() => managed.restarts() >= 2)
    expect(restartLines(lines)[0]).toBe('[fake]      exited with code 3; restarting in 0.1 s')
  })

  it('after an uncaught exception under bun --watch, which alone would wait for a file change', async () => {
    const { lines, managed } = run('throw', { watch: true })
    await until(() => managed.restarts() >= 2)
    expect(restartLines(lines)[0]).toBe('[fake]      exited with code 1; restarting in 0.1 s')
    expect(lines.some((l) => l.includes('the fake service crashed'))).toBe(true)
  })

  it('after a SIGKILL, with or without --watch', async () => {
    for (const watch of [false, true]) {
      const { lines, managed } = run('idle', { watch })
      const pid = () => lines.findLast((l) => l.includes('started pid='))?.match(/pid=(\d+)/)?.[1]
      await until(() => pid() !== undefined)
      process.kill(Number(pid()), 'SIGKILL')
      await until(
        () => managed.restarts() === 1 && lines.filter((l) => l.includes('started pid=')).length === 2,
      )
      expect(restartLines(lines)).toEqual(['[fake]      was killed by SIGKILL; restarting in 0.1 s'])
      await managed.stop()
    }
  })
})

it('pins why the runner preloads exit-on-crash: bun --watch alone stays up after a crash', async () => {
  const proc = Bun.spawn([process.execPath, '--watch', 'fake-service.ts'], {
    cwd: fixtures,
    env: { PATH: '/usr/bin:/bin', FAKE_MODE: 'throw' },
    stdout: 'ignore',
    stderr: 'ignore',
  })
  const outcome = await Promise.race([proc.exited.then(() => 'exited'), Bun.sleep(1500).then(() => 'alive')])
  proc.kill('SIGKILL')
  expect(outcome).toBe('alive')
})

it('collapses the warnings of a service whose broker goes away and comes back', async () => {
  const port = freePort()
  const listen = () => Bun.listen({ hostname: '127.0.0.1', port, socket: { data: () => {} } })
  let broker = listen()
  const servers = configuredServers({
    DATABASE_ADMIN_URL: 'postgres://postgres@127.0.0.1:1/postgres',
    RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:${port}`,
    REDIS_URL: 'redis://127.0.0.1:2',
  })
  const lines: string[] = []
  const output = createOutput({ tty: false, write: (text) => void lines.push(...text.trimEnd().split('\n')) })
  const collapser = new OutageCollapser({
    servers,
    line: output.line,
    tty: false,
    isBack: async () => false,
    reportEveryMs: 300,
  })
  collapser.start(100)
  const managed = startManaged({
    name: 'fake',
    index: 0,
    cwd: fixtures,
    cmd: [process.execPath, 'fake-service.ts'],
    env: { PATH: '/usr/bin:/bin', FAKE_MODE: 'broker', FAKE_PORT: String(port) },
    raw: true,
    color: false,
    output,
    absorb: (name, line) => collapser.offer(name, line),
  })
  running.push(managed)
  try {
    await until(() => lines.some((l) => l.includes('connected to rabbitmq')))
    broker.stop(true)
    await Bun.sleep(1200)
    broker = listen()
    await until(() => lines.some((l) => l.startsWith('ok RabbitMQ back')))
    const after = lines.slice(lines.findIndex((l) => l.includes('connected to rabbitmq')) + 1)
    expect(after[0]).toStartWith(
      `!! RabbitMQ lost (RABBITMQ_URL 127.0.0.1:${port}): [fake] disconnected from rabbitmq`,
    )
    expect(after.filter((l) => l.startsWith('.. RabbitMQ still down after')).length).toBeGreaterThanOrEqual(1)
    expect(after.at(-1)).toMatch(
      /^ok RabbitMQ back after 1\.\d s: every service has it again \(\d+ repeated warnings hidden\)$/,
    )
    expect(after.filter((l) => l.includes('[fake]'))).toHaveLength(1)
  } finally {
    collapser.stop()
    broker.stop(true)
  }
})
