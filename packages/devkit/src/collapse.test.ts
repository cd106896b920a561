import { describe, expect, it } from 'bun:test'
import { classify, OutageCollapser } from './collapse'
import { configuredServers, type ServerName } from './servers'

/**
 * `test/fixtures/outages.txt` is what `bun run dev` printed (DEV_RAW_LOGS=true, stacks cut short)
 * while RabbitMQ, then PostgreSQL, then Redis were each made unreachable for 8 s: the platform
 * ran against local ports forwarded to the real servers, and a forwarder was closed and reopened.
 */
const recorded = await Bun.file(new URL('../test/fixtures/outages.txt', import.meta.url)).text()
const servers = configuredServers({
  DATABASE_ADMIN_URL: 'postgres://postgres@127.0.0.1:15432/postgres',
  RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:15672/devkittry',
  REDIS_URL: 'redis://127.0.0.1:16379',
})
const restoredAt: Record<ServerName, number> = {
  rabbitmq: Date.parse('2026-12-03T08:04:10.951Z'),
  postgres: Date.parse('2026-12-03T08:04:27.033Z'),
  redis: Date.parse('2026-12-03T08:04:43.120Z'),
}

/** Replays the recording through a collapser, its clock following the lines' timestamps. */
async function replay(tty = false): Promise<{ shown: string[]; status: Map<string, string> }> {
  let clock = Date.parse('2026-12-03T08:04:02.800Z')
  const shown: string[] = []
  const status = new Map<string, string>()
  const collapser = new OutageCollapser({
    servers,
    line: (text) => shown.push(text),
    status: (key, text) => (text === undefined ? status.delete(key) : status.set(key, text)),
    tty,
    // RabbitMQ comes back through the services' own 'connected to rabbitmq'; the others only
    // through /ready, which answers up once the server is reachable again.
    isBack: async (_service, server) => server !== 'rabbitmq' && clock >= restoredAt[server] + 1000,
    now: () => clock,
    reportEveryMs: 3000,
  })
  let lastTick = clock
  for (const raw of recorded.split('\n').filter(Boolean)) {
    // The runner's prefix is `[name]` padded to 11 characters, then a space.
    const service = /^\[(\w+)\]/.exec(raw)![1]!
    const line = raw.slice(12)
    const at = /"timestamp":"([^"]+)"/.exec(line)?.[1]
    if (at) clock = Math.max(clock, Date.parse(at))
    while (clock - lastTick >= 1000) {
      lastTick += 1000
      await collapser.tick()
    }
    if (!collapser.offer(service, line)) shown.push(raw)
  }
  for (clock = lastTick; clock < Date.parse('2026-12-03T08:04:50Z'); clock += 1000) await collapser.tick()
  return { shown, status }
}

describe('the warning collapse on the dev runner output', () => {
  it('shows one line per lost server, a count while the services retry, and one line when it is back', async () => {
    const { shown } = await replay()
    const notices = shown.filter((l) => /^(!!|\.\.|ok) /.test(l))
    for (const title of ['RabbitMQ', 'PostgreSQL', 'Redis']) {
      const mine = notices.filter((l) => l.startsWith(`${l.slice(0, 3)}${title} `))
      const kinds = mine.map((l) => l.slice(0, 2)).join(' ')
      expect(kinds).toMatch(/^!!( \.\.)+ ok$/)
      expect(mine[0]).toContain(`${title} lost (`)
      expect(mine.at(-1)).toMatch(
        new RegExp(
          `^ok ${title} back after \\d+\\.\\d s: every service has it again \\(\\d+ repeated warnings hidden\\)$`,
        ),
      )
    }
    expect(notices[0]).toBe(
      '!! RabbitMQ lost (RABBITMQ_URL 127.0.0.1:15672): [auth] rabbitmq connection error: Unexpected close. ' +
        'The services keep retrying; their repeated warnings are counted, not shown.',
    )
    expect(notices).toHaveLength(notices.filter((l) => l.startsWith('.. ')).length + 6)
  })

  it('hides every repeated warning and stack line, and nothing else', async () => {
    const { shown } = await replay()
    const passed = shown.filter((l) => l.startsWith('['))
    expect(
      passed.filter((l) =>
        /ECONNREFUSED|ECONNRESET|Unexpected close|Socket closed|\[ioredis\]|^\[\w+\]\s+at /.test(l),
      ),
    ).toEqual([])
    // What is left are lines about something else: the listener reconnecting, a request.
    expect(passed.length).toBeLessThan(10)
  })

  it('keeps the live count on the status line of a terminal, and clears it when the server is back', async () => {
    const { shown, status } = await replay(true)
    expect(shown.filter((l) => l.startsWith('.. '))).toEqual([])
    expect(shown.filter((l) => l.startsWith('ok '))).toHaveLength(3)
    expect(status.size).toBe(0)
  })
})

describe('classify', () => {
  const line = (fields: Record<string, unknown>) => JSON.stringify({ level: 'warn', ...fields })

  it('reads rabbitmq, postgres and redis trouble, and leaves other warnings alone', () => {
    expect(classify(line({ message: 'rabbitmq connection attempt failed' }), servers)?.server).toBe(
      'rabbitmq',
    )
    expect(classify(line({ level: 'info', message: 'connected to rabbitmq' }), servers)?.kind).toBe('back')
    expect(
      classify(line({ message: 'worker round failed', err: { code: 'ECONNREFUSED', port: 15432 } }), servers)
        ?.server,
    ).toBe('postgres')
    expect(
      classify('[ioredis] Unhandled error event: Error: connect ECONNREFUSED 127.0.0.1:16379', servers)
        ?.server,
    ).toBe('redis')
    expect(classify(line({ message: 'request failed', err: { message: 'boom' } }), servers)).toBeUndefined()
    expect(classify(line({ level: 'info', message: 'listening' }), servers)).toBeUndefined()
    expect(classify('plain text', servers)).toBeUndefined()
  })
})
