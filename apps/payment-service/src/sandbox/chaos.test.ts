import { describe, expect, it } from 'bun:test'
import { ChaosSpecError, copyDelays, createRandom, formatChaos, NO_CHAOS, parseChaos, shuffle } from './chaos'

describe('sandbox chaos settings', () => {
  it('reads the full spec', () => {
    expect(parseChaos('dup=3,delayMs=0..2000,reorder=1,seed=42')).toEqual({
      dup: 3,
      delayMinMs: 0,
      delayMaxMs: 2000,
      reorder: true,
      seed: 42,
    })
  })
  it('reads an empty spec as a well-behaved provider', () => {
    expect(parseChaos('')).toEqual(NO_CHAOS)
    expect(parseChaos(' ')).toEqual(NO_CHAOS)
  })
  it('reads a fixed delay', () => {
    expect(parseChaos('delayMs=150')).toMatchObject({ delayMinMs: 150, delayMaxMs: 150 })
  })
  it.each(['dup=0', 'dup=11', 'delayMs=5..1', 'reorder=yes', 'seed=-1', 'speed=3', 'dup'])(
    'refuses %s',
    (spec) => {
      expect(() => parseChaos(spec)).toThrow(ChaosSpecError)
    },
  )
  it('formats what it parsed back to the same spec', () => {
    const spec = 'dup=3,delayMs=0..2000,reorder=1,seed=42'
    expect(formatChaos(parseChaos(spec))).toBe(spec)
  })
  it('is deterministic for a seed, so a failing run can be replayed', () => {
    const chaos = parseChaos('dup=3,delayMs=10..20,seed=7')
    const a = createRandom(7)
    const b = createRandom(7)
    expect(copyDelays(chaos, a)).toEqual(copyDelays(chaos, b))
    expect(shuffle([1, 2, 3, 4, 5, 6], a)).toEqual(shuffle([1, 2, 3, 4, 5, 6], b))
    for (const delay of copyDelays(chaos, createRandom(1))) {
      expect(delay).toBeGreaterThanOrEqual(10)
      expect(delay).toBeLessThanOrEqual(20)
    }
  })
})
