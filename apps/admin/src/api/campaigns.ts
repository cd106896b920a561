import type { CampaignPatch, NewCampaign } from '@careforall/contracts'
import { keepPreviousData, useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { api } from './client'
import type { Campaign, CampaignStatus, CampaignTotals, Page, PublicDonation } from './types'

export const CAMPAIGN_PAGE_SIZE = 20
export const DONATION_PAGE_SIZE = 10

export interface CampaignFilters {
  status?: CampaignStatus | undefined
  q?: string | undefined
  cursor?: string | undefined
}

export const campaignKeys = {
  all: ['campaigns'] as const,
  list: (filters: CampaignFilters) => ['campaigns', 'list', filters] as const,
  detail: (id: string) => ['campaigns', 'detail', id] as const,
  /** One campaign's totals: the first paint of the live totals, then each SSE event. */
  totals: (id: string) => ['campaigns', 'totals', id] as const,
  totalsOf: (ids: readonly string[]) => ['campaigns', 'totals-of', ids] as const,
  donations: (id: string, cursor: string | undefined) =>
    ['campaigns', 'donations', id, cursor ?? null] as const,
}

/** A page of campaigns, newest first (the only order the API has); the page shown stays while the next loads. */
export function useCampaigns(filters: CampaignFilters) {
  return useQuery({
    queryKey: campaignKeys.list(filters),
    queryFn: ({ signal }) =>
      api<Page<Campaign>>('/api/campaigns', {
        query: { status: filters.status, q: filters.q, cursor: filters.cursor, limit: CAMPAIGN_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  })
}

/** The totals of the campaigns of one page, in one request. */
export function useTotalsOf(ids: readonly string[]) {
  return useQuery({
    queryKey: campaignKeys.totalsOf(ids),
    queryFn: ({ signal }) =>
      api<{ items: CampaignTotals[] }>('/api/totals', { query: { campaignIds: ids.join(',') }, signal }),
    enabled: ids.length > 0,
  })
}

export function useCampaign(id: string) {
  return useQuery({
    queryKey: campaignKeys.detail(id),
    queryFn: ({ signal }) => api<Campaign>(`/api/campaigns/${encodeURIComponent(id)}`, { signal }),
  })
}

export function useCampaignTotals(id: string) {
  return useQuery({
    queryKey: campaignKeys.totals(id),
    queryFn: ({ signal }) => api<CampaignTotals>(`/api/totals/${encodeURIComponent(id)}`, { signal }),
  })
}

/** A campaign's captured donations, as anyone sees them: anonymous donors are masked by the API. */
export function useDonations(campaignId: string, cursor: string | undefined) {
  return useQuery({
    queryKey: campaignKeys.donations(campaignId, cursor),
    queryFn: ({ signal }) =>
      api<Page<PublicDonation>>('/api/pledges', {
        query: { campaignId, cursor, limit: DONATION_PAGE_SIZE },
        signal,
      }),
    placeholderData: keepPreviousData,
  })
}

export function useCreateCampaign() {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: NewCampaign) => api<Campaign>('/api/campaigns', { method: 'POST', body }),
    onSuccess: (created) => {
      queryClient.setQueryData(campaignKeys.detail(created.id), created)
      return queryClient.invalidateQueries({ queryKey: campaignKeys.all })
    },
  })
}

/** Changes fields and/or moves the status; the answer replaces the cached campaign at once. */
export function useUpdateCampaign(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (patch: CampaignPatch) =>
      api<Campaign>(`/api/campaigns/${encodeURIComponent(id)}`, { method: 'PATCH', body: patch }),
    onSuccess: (updated) => {
      queryClient.setQueryData<Campaign>(campaignKeys.detail(id), (previous) => ({ ...previous, ...updated }))
      return queryClient.invalidateQueries({ queryKey: campaignKeys.all })
    },
  })
}

/** Only a DRAFT can be deleted (the API answers 409 otherwise). */
export function useDeleteCampaign(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: () => api<void>(`/api/campaigns/${encodeURIComponent(id)}`, { method: 'DELETE' }),
    // Only the lists: the page that asked is leaving, and must not refetch a campaign that is gone.
    onSuccess: () => queryClient.invalidateQueries({ queryKey: [...campaignKeys.all, 'list'] }),
  })
}
