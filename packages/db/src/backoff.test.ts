import { describe, expect, it } from 'bun:test'
import { backoffMs } from './backoff'

describe('backoffMs', () => {
  it('doubles from the base up to the ceiling', () => {
    const mid = () => 0.5
    expect([1, 2, 3, 4, 10].map((n) => backoffMs(n, 100, 1000, mid))).toEqual([100, 200, 400, 800, 1000])
  })

  it('spreads retries by a quarter either way', () => {
    expect(backoffMs(3, 100, 1000, () => 0)).toBe(300)
    expect(backoffMs(3, 100, 1000, () => 0.999999)).toBe(500)
  })

  it('treats a first or earlier attempt as the base', () => {
    expect(backoffMs(0, 100, 1000, () => 0.5)).toBe(100)
  })
})
