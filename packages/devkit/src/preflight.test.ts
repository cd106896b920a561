import { describe, expect, it } from 'bun:test'
import { runCommand, type StartCommand } from './local-servers'
import { COMPOSE_SERVERS_ENV, preflight } from './preflight'
import { configuredServers, probe, type Server } from './servers'
import { freePort } from './testing/spawn'

const LOCAL = configuredServers({
  DATABASE_ADMIN_URL: 'postgres://postgres@127.0.0.1:5432/postgres',
  RABBITMQ_URL: 'amqp://guest:secret@127.0.0.1:5672',
  REDIS_URL: 'redis://127.0.0.1:6379',
})
const rabbitmq = LOCAL.find((s) => s.name === 'rabbitmq')!
const command: StartCommand = {
  text: 'rabbitmq-server -detached',
  cmd: ['rabbitmq-server', '-detached'],
  waitMs: 200,
}

/** Probes that report only RabbitMQ down, until `run` has been called (it never runs anything). */
function fakeMachine(options: { startWorks: boolean }) {
  const ran: string[] = []
  return {
    ran,
    probe: async (server: Server) =>
      server.name !== 'rabbitmq' || (options.startWorks && ran.length > 0)
        ? { up: true as const }
        : { up: false as const, reason: 'connection refused (nothing listens there)' },
    startCommand: (server: Server) => (server.name === 'rabbitmq' ? command : undefined),
    run: async (c: StartCommand) => {
      ran.push(c.text)
      return options.startWorks ? { ok: true, output: '' } : { ok: false, output: 'Only root can run this' }
    },
    log: () => {},
    pollMs: 10,
  }
}

describe('preflight', () => {
  it('starts a server installed here that is stopped, and says so', async () => {
    const machine = fakeMachine({ startWorks: true })
    const lines: string[] = []
    const result = await preflight({ start: true, servers: LOCAL, ...machine, log: (l) => lines.push(l) })
    expect(result.ok).toBe(true)
    expect(machine.ran).toEqual(['rabbitmq-server -detached'])
    expect(lines[0]).toBe('RabbitMQ is not running at 127.0.0.1:5672; starting it: rabbitmq-server -detached')
    expect(lines[1]).toMatch(/^RabbitMQ started \(\d+\.\d s\)$/)
  })

  it('only checks when starting is off, and names the command to run', async () => {
    const machine = fakeMachine({ startWorks: true })
    const result = await preflight({ start: false, servers: LOCAL, ...machine, compose: false })
    expect(machine.ran).toEqual([])
    expect(result.message).toBe(
      [
        'Not reachable, so nothing was started:',
        '',
        '  RabbitMQ at 127.0.0.1:5672 (RABBITMQ_URL=amqp://guest:***@127.0.0.1:5672): connection refused (nothing listens there)',
        '    - it is installed here; start it: rabbitmq-server -detached',
        '    - or point RABBITMQ_URL at a running one: RABBITMQ_URL=amqp://user:password@host:5672/vhost',
      ].join('\n'),
    )
  })

  it('says what starting printed when it failed, and mentions compose only when the file exists', async () => {
    const machine = fakeMachine({ startWorks: false })
    const result = await preflight({ start: true, servers: LOCAL, ...machine, compose: true })
    expect(result.ok).toBe(false)
    expect(result.message).toContain(
      '- starting it with `rabbitmq-server -detached` it failed: Only root can run this; run that as root',
    )
    expect(result.message).toContain(
      'Or run all three in Docker: docker compose up -d postgres rabbitmq redis',
    )
    expect(result.message).toEndWith(COMPOSE_SERVERS_ENV)
  })

  it('never starts anything for an address that is not the local default one', async () => {
    const machine = fakeMachine({ startWorks: true })
    const elsewhere = LOCAL.map((s) => (s.name === 'rabbitmq' ? { ...s, port: 5999 } : s))
    const result = await preflight({ start: true, servers: elsewhere, ...machine, compose: false })
    expect(machine.ran).toEqual([])
    expect(result.message).toContain('- start one on port 5999, or use the default port 5672')
  })
})

describe('probe', () => {
  it('knows each real server by its answer, and a closed port at once', async () => {
    const port = freePort()
    for (const server of LOCAL) expect(await probe(server)).toEqual({ up: true })
    expect(await probe({ ...rabbitmq, port })).toEqual({
      up: false,
      reason: 'connection refused (nothing listens there)',
    })
    // PostgreSQL's port does not answer the AMQP greeting as a broker would.
    expect((await probe({ ...rabbitmq, port: 5432 })).up).toBe(false)
  })
})

describe('runCommand', () => {
  it('keeps what a start command printed and does not wait for the daemon it leaves behind', async () => {
    const began = Date.now()
    const result = await runCommand({
      text: 'a daemon',
      cmd: ['sh', '-c', 'echo starting; echo refused >&2; (sleep 2 &); exit 3'],
      waitMs: 0,
    })
    expect(result).toEqual({ ok: false, output: 'starting\nrefused' })
    expect(Date.now() - began).toBeLessThan(1500)
  })
})
