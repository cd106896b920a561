import type { PledgeState } from '@careforall/contracts'

export interface ListQuery {
  campaignId?: string | undefined
  mine?: 'true' | 'false' | undefined
  state?: PledgeState | undefined
  from?: string | undefined
  to?: string | undefined
  stuck?: 'true' | 'false' | undefined
}

export interface ListFilter {
  campaignId?: string | undefined
  userId?: string | undefined
  states?: PledgeState[] | undefined
  from?: string | undefined
  to?: string | undefined
  /** Only stuck pledges: PENDING or AUTHORIZED, unchanged for longer than the service's setting. */
  stuck?: true | undefined
}

/**
 * Which pledges a caller may list, and how much of each: `full` pledges (their own, or any for an
 * admin) or a campaign's `public` donations (captured only, donors masked later).
 */
export type Listing =
  | { view: 'full'; filter: ListFilter }
  | { view: 'public'; filter: ListFilter & { campaignId: string } }
  /** Not allowed: `sign-in` (no caller), `admins-only` (a filter for admins), `no-scope` (nothing to list). */
  | { refused: 'sign-in' | 'admins-only' | 'no-scope' }

/**
 * Decides a list request: `mine=true` lists the caller's own pledges; an admin filtering by state,
 * date or stuck, or giving no campaign, lists any pledges; anyone else gives a campaign and sees
 * its captured donations. State, date and stuck filters are for admins only.
 */
export function listingFor(caller: { id: string; role: string } | undefined, query: ListQuery): Listing {
  const stuck = query.stuck === 'true'
  const adminFilters =
    query.state !== undefined || query.from !== undefined || query.to !== undefined || stuck
  const admin = caller?.role === 'admin'
  if (adminFilters && !admin) return { refused: caller ? 'admins-only' : 'sign-in' }
  if (query.mine === 'true') {
    if (!caller) return { refused: 'sign-in' }
    return { view: 'full', filter: { userId: caller.id, campaignId: query.campaignId } }
  }
  if (admin && (adminFilters || query.campaignId === undefined)) {
    return {
      view: 'full',
      filter: {
        campaignId: query.campaignId,
        states: query.state ? [query.state] : undefined,
        from: query.from,
        to: query.to,
        ...(stuck ? { stuck } : {}),
      },
    }
  }
  if (query.campaignId === undefined) return { refused: 'no-scope' }
  return { view: 'public', filter: { campaignId: query.campaignId, states: ['CAPTURED'] } }
}
