import { describe, expect, it } from 'bun:test'
import { Writable } from 'node:stream'
import { createLogger } from '@careforall/logger'
import { startUnreadyWatchdog } from '../src'

function capture() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _e, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { lines, logger: createLogger({ serviceName: 'test-service', destination }) }
}

describe('the unready watchdog', () => {
  it('exits non-zero with one clear line when a dependency stays down past the limit', async () => {
    const { lines, logger } = capture()
    const exits: number[] = []
    startUnreadyWatchdog({
      checks: { postgres: async () => true, rabbitmq: async () => false },
      exitAfterMs: 300,
      intervalMs: 50,
      logger,
      exit: (code) => exits.push(code),
    })
    await Bun.sleep(600)
    expect(exits).toEqual([1])
    const fatal = lines.filter((line) => line.level === 'fatal')
    expect(fatal).toHaveLength(1)
    expect(fatal[0]).toMatchObject({ unready: ['rabbitmq'], exitAfterMs: 300 })
    expect(String(fatal[0]!.message)).toContain('rabbitmq unreachable for more than')
  })

  it('forgives a dependency that comes back in time', async () => {
    const { logger } = capture()
    const exits: number[] = []
    let up = false
    const watchdog = startUnreadyWatchdog({
      checks: { postgres: async () => up },
      exitAfterMs: 400,
      intervalMs: 50,
      logger,
      exit: (code) => exits.push(code),
    })
    await Bun.sleep(250)
    up = true
    await Bun.sleep(150)
    up = false // down again: the clock starts over
    await Bun.sleep(250)
    expect(exits).toEqual([])
    watchdog.stop()
  })

  it('counts a check that never settles as down, without starting a pile of them', async () => {
    const { logger } = capture()
    const exits: number[] = []
    let started = 0
    startUnreadyWatchdog({
      checks: {
        postgres: () => {
          started++
          return new Promise<boolean>(() => undefined)
        },
      },
      exitAfterMs: 200,
      intervalMs: 20,
      logger,
      exit: (code) => exits.push(code),
    })
    await Bun.sleep(400)
    expect(exits).toEqual([1])
    expect(started).toBe(1)
  })

  it('keeps a service whose checks are slow but answer: a busy pool is not a wedged one', async () => {
    const { logger } = capture()
    const exits: number[] = []
    const timeouts: (number | undefined)[] = []
    const watchdog = startUnreadyWatchdog({
      checks: {
        postgres: async (timeoutMs) => {
          timeouts.push(timeoutMs)
          await Bun.sleep(150) // longer than /ready's second would allow at this scale
          return true
        },
      },
      exitAfterMs: 300,
      intervalMs: 20,
      logger,
      exit: (code) => exits.push(code),
    })
    await Bun.sleep(1000)
    watchdog.stop()
    expect(exits).toEqual([])
    // Each check is allowed the whole limit, not /ready's one second.
    expect(new Set(timeouts)).toEqual(new Set([300]))
  })

  it('does nothing when turned off', async () => {
    const { logger } = capture()
    const exits: number[] = []
    startUnreadyWatchdog({
      checks: { postgres: async () => false },
      exitAfterMs: 0,
      logger,
      exit: (code) => exits.push(code),
    })
    await Bun.sleep(100)
    expect(exits).toEqual([])
  })
})
