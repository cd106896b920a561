import { describe, expect, test } from 'bun:test'
import { fromUtcInput, toUtcInput } from './datetime'

describe('datetime-local in UTC', () => {
  test.each([
    ['2026-12-01T09:00:00.000Z', '2026-12-01T09:00'],
    ['2026-12-01T23:59:59.999Z', '2026-12-01T23:59'],
    ['2026-12-01T09:00:00+06:00', '2026-12-01T03:00'],
    [null, ''],
    ['not a date', ''],
  ])('fills %p as %p', (iso, value) => {
    expect(toUtcInput(iso)).toBe(value)
  })

  test.each([
    ['2026-12-01T09:00', '2026-12-01T09:00:00.000Z'],
    ['2026-12-01T09:00:30', '2026-12-01T09:00:30.000Z'],
    ['', undefined],
    ['2026-13-01T09:00', undefined],
    ['2026-12-01', undefined],
  ])('reads %p as %p', (value, iso) => {
    expect(fromUtcInput(value)).toBe(iso)
  })
})
