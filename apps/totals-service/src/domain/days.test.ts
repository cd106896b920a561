import { describe, expect, it } from 'bun:test'
import { addDays, dayOf, dayRange, daysCovered, eachDay, isDay, STATS_SHARDS, statsShard } from './days'

describe('days', () => {
  it.each([
    ['2026-11-25T23:59:59.999Z', '2026-11-25'],
    ['2026-11-26T00:30:00+02:00', '2026-11-25'],
    ['2026-12-31T22:00:00-05:00', '2027-01-01'],
  ])('puts %s on the UTC day %s', (instant, day) => {
    expect(dayOf(instant)).toBe(day)
  })

  it.each([
    ['2026-11-25', true],
    ['2028-02-29', true],
    ['2026-02-29', false],
    ['2026-13-01', false],
    ['2026-1-1', false],
    ['yesterday', false],
  ])('knows whether %s is a day', (value, valid) => {
    expect(isDay(value)).toBe(valid)
  })

  it('counts and lists the days of a range, both ends included, across month and year ends', () => {
    expect(eachDay('2026-12-30', '2027-01-02')).toEqual([
      '2026-12-30',
      '2026-12-31',
      '2027-01-01',
      '2027-01-02',
    ])
    expect(daysCovered('2026-11-25', '2026-11-25')).toBe(1)
    expect(daysCovered('2026-11-26', '2026-11-25')).toBe(0)
    expect(addDays('2028-02-28', 1)).toBe('2028-02-29')
  })

  it('spreads payments over every shard, the same payment always on the same one', () => {
    const ids = Array.from({ length: 800 }, () => crypto.randomUUID())
    const shards = new Set(ids.map(statsShard))
    expect(shards.size).toBe(STATS_SHARDS)
    for (const id of ids.slice(0, 20)) expect(statsShard(id)).toBe(statsShard(id))
  })
})

describe('a statistics range', () => {
  const today = '2026-11-25'
  it.each<[string | undefined, string | undefined, unknown]>([
    [undefined, undefined, { from: '2026-10-27', to: '2026-11-25' }],
    ['2026-11-01', undefined, { from: '2026-11-01', to: '2026-11-25' }],
    [undefined, '2026-01-31', { from: '2026-01-02', to: '2026-01-31' }],
    ['2026-11-25', '2026-11-25', { from: '2026-11-25', to: '2026-11-25' }],
    ['2025-11-25', '2026-11-25', { from: '2025-11-25', to: '2026-11-25' }],
    ['2025-11-24', '2026-11-25', { error: { path: 'from', message: 'at most 366 days at once' } }],
    ['2026-11-26', '2026-11-25', { error: { path: 'from', message: 'from must not be after to' } }],
  ])('from %s to %s', (from, to, expected) => {
    expect(dayRange(from, to, today)).toEqual(expected as ReturnType<typeof dayRange>)
  })
})
