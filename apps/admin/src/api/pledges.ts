import { PledgeState } from '@careforall/contracts'
import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api, type Query } from './client'
import type { Page, Pledge, PledgeWithHistory } from './types'

export const PLEDGE_STATES = PledgeState.options
const PAGE_SIZE = 20

/** What `GET /api/pledges` filters by, as the API takes it (instants in ISO). */
export interface PledgeQuery {
  campaignId?: string | undefined
  state?: PledgeState | undefined
  from?: string | undefined
  to?: string | undefined
  stuck?: boolean | undefined
}

/**
 * The pledge service answers a campaign filter given alone with the campaign's public donation
 * list (captured only, anonymous donors masked), for an admin too; any admin filter turns on the
 * full view. A `from` at the epoch filters nothing out and keeps the admin's view of every pledge.
 */
const ALL_TIME = '1970-01-01T00:00:00.000Z'

function listQuery(filters: PledgeQuery, cursor: string | undefined): Query {
  const adminFilter = filters.state || filters.from || filters.to || filters.stuck
  return {
    campaignId: filters.campaignId,
    state: filters.state,
    from: filters.from ?? (filters.campaignId && !adminFilter ? ALL_TIME : undefined),
    to: filters.to,
    stuck: filters.stuck ? 'true' : undefined,
    limit: PAGE_SIZE,
    cursor,
  }
}

export const pledgeKeys = {
  all: ['pledges'] as const,
  list: (filters: PledgeQuery, cursor: string | undefined) =>
    [...pledgeKeys.all, 'list', filters, cursor ?? null] as const,
  detail: (id: string) => [...pledgeKeys.all, 'detail', id] as const,
}

/** One keyset page of pledges (admin: full pledges, donor names included). */
export function usePledges(filters: PledgeQuery, cursor: string | undefined) {
  return useQuery({
    queryKey: pledgeKeys.list(filters, cursor),
    queryFn: ({ signal }) => api<Page<Pledge>>('/api/pledges', { query: listQuery(filters, cursor), signal }),
    placeholderData: keepPreviousData,
  })
}

/** A pledge with its state history; polled while its payment is still moving. */
export function usePledge(id: string, refetchInterval: number | false = false) {
  return useQuery({
    queryKey: pledgeKeys.detail(id),
    queryFn: ({ signal }) => api<PledgeWithHistory>(`/api/pledges/${encodeURIComponent(id)}`, { signal }),
    refetchInterval,
  })
}
