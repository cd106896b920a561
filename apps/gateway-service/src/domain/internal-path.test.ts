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
    // No percent sign, so the quick test alone decides: it must still see these.
    '/api/campaigns/InTeRnAl/x',
    '/api/x/..internal../y',
    '/api/x/ internal',
  ]
  const external = [
    '/api/campaigns',
    '/api/campaigns/internals',
    '/api/international/x',
    '/api/x-internal',
    '/api/totals/01a23ae9-f882-75c4-89e8-f4dc68093746',
    '/api/campaigns/caf%C3%A9', // decoded, then checked in full
  ]

  for (const path of internal) {
    it(`treats ${path} as internal`, () => expect(isInternalPath(path)).toBe(true))
  }
  for (const path of external) {
    it(`lets ${path} through`, () => expect(isInternalPath(path)).toBe(false))
  }
})
