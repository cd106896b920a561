import { describe, expect, it } from 'bun:test'
import { type Listing, type ListQuery, listingFor } from './listing'

const donor = { id: 'u1', role: 'donor' }
const admin = { id: 'a1', role: 'admin' }
const campaignId = 'c1'

type Caller = { id: string; role: string } | undefined

const cases: [string, Caller, ListQuery, Listing][] = [
  [
    'anyone, a campaign',
    undefined,
    { campaignId },
    { view: 'public', filter: { campaignId, states: ['CAPTURED'] } },
  ],
  [
    'a donor, a campaign',
    donor,
    { campaignId },
    { view: 'public', filter: { campaignId, states: ['CAPTURED'] } },
  ],
  [
    'an admin, a campaign',
    admin,
    { campaignId },
    { view: 'public', filter: { campaignId, states: ['CAPTURED'] } },
  ],
  [
    'a donor, mine',
    donor,
    { mine: 'true' },
    { view: 'full', filter: { userId: 'u1', campaignId: undefined } },
  ],
  [
    'a donor, mine in a campaign',
    donor,
    { mine: 'true', campaignId },
    { view: 'full', filter: { userId: 'u1', campaignId } },
  ],
  ['anyone, mine', undefined, { mine: 'true' }, { refused: 'sign-in' }],
  ['anyone, a state', undefined, { campaignId, state: 'FAILED' }, { refused: 'sign-in' }],
  ['a donor, a date', donor, { from: '2026-01-01T00:00:00Z' }, { refused: 'admins-only' }],
  ['a donor, nothing', donor, {}, { refused: 'no-scope' }],
  ['anyone, nothing', undefined, {}, { refused: 'no-scope' }],
  [
    'an admin, nothing',
    admin,
    {},
    { view: 'full', filter: { campaignId: undefined, states: undefined, from: undefined, to: undefined } },
  ],
  [
    'an admin, a state in a campaign',
    admin,
    { campaignId, state: 'CAPTURED' },
    { view: 'full', filter: { campaignId, states: ['CAPTURED'], from: undefined, to: undefined } },
  ],
  ['a donor, stuck', donor, { stuck: 'true' }, { refused: 'admins-only' }],
  ['anyone, stuck in a campaign', undefined, { campaignId, stuck: 'true' }, { refused: 'sign-in' }],
  [
    'a donor, stuck=false in a campaign',
    donor,
    { campaignId, stuck: 'false' },
    { view: 'public', filter: { campaignId, states: ['CAPTURED'] } },
  ],
  [
    'an admin, stuck',
    admin,
    { stuck: 'true' },
    {
      view: 'full',
      filter: { campaignId: undefined, states: undefined, from: undefined, to: undefined, stuck: true },
    },
  ],
  [
    'an admin, stuck in a campaign',
    admin,
    { campaignId, stuck: 'true' },
    {
      view: 'full',
      filter: { campaignId, states: undefined, from: undefined, to: undefined, stuck: true },
    },
  ],
]

describe('listingFor', () => {
  it.each(cases)('%s', (_name, caller, query, expected) => {
    expect(listingFor(caller, query)).toEqual(expected)
  })
})
