import { describe, expect, it } from 'bun:test'
import { isInternalPath } from './internal-path'

describe('isInternalPath', () => {
  const internal = [
    '/internal/campaigns/1',
    '/api/campaigns/internal',
    '//internal',
    '/api/x/%2Finternal',
    '/api/x/%252Finternal',
    '/api/x/%25252Finternal',
    '/api/%69nternal/x',
    '/api/INTERNAL/x',
    '/api\\internal\\x',
    '/api/internal;v=1/x',
    '/api/internal./x',
    '/api/internal%00/x',
    '/api/%E0%A4%A', // undecodable: cannot be shown to be harmless
  ]
  const external = ['/api/campaigns', '/api/campaigns/internals', '/api/international/x', '/api/x-internal']

  for (const path of internal) {
    it(`treats ${path} as internal`, () => expect(isInternalPath(path)).toBe(true))
  }
  for (const path of external) {
    it(`lets ${path} through`, () => expect(isInternalPath(path)).toBe(false))
  }
})
