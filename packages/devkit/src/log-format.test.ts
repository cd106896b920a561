import { describe, expect, it } from 'bun:test'
import { formatLine, prefixFor } from './log-format'
import { SERVICES } from './platform'

describe('formatLine', () => {
  it('turns a JSON log line into a readable one, keeping the extra fields', () => {
    const line = JSON.stringify({
      level: 'info',
      message: 'request completed',
      serviceName: 'campaign-service',
      timestamp: '2026-11-25T12:00:01.234Z',
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      status: 200,
      path: '/api/campaigns',
    })
    expect(formatLine(line, false)).toBe(
      '12:00:01 info  request completed status=200 path=/api/campaigns trace=0af76519',
    )
  })

  it('passes anything else through unchanged', () => {
    expect(formatLine('plain text', false)).toBe('plain text')
    expect(formatLine('{not json', false)).toBe('{not json')
  })
})

describe('the platform', () => {
  it('runs seven services on the ports of DESIGN.md', () => {
    expect(SERVICES.map((s) => [s.name, s.port]).sort()).toEqual([
      ['auth', 3001],
      ['campaign', 3002],
      ['chat', 3006],
      ['gateway', 3000],
      ['payment', 3004],
      ['pledge', 3003],
      ['totals', 3005],
    ])
    expect(prefixFor('auth', 0, false)).toBe('[auth]     ')
  })
})
