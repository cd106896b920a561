import { toCents } from '@careforall/contracts'
import { useQuery } from '@tanstack/react-query'
import { dayAfter, dayStart } from '../components/days'
import { api } from './client'
import type { Campaign, CampaignTotals, Page, PaymentStats, PledgeStats } from './types'

/** A range of UTC days, both included. */
export interface DayRange {
  from: string
  to: string
}

export const analyticsKeys = {
  all: ['analytics'] as const,
  donations: (range: DayRange) => [...analyticsKeys.all, 'donations', range] as const,
  outcomes: (range: DayRange) => [...analyticsKeys.all, 'outcomes', range] as const,
  topCampaigns: () => [...analyticsKeys.all, 'top-campaigns'] as const,
}

/** Captured, refunded and net USD per UTC day, every campaign together (quiet days included). */
export function useDonationStats(range: DayRange) {
  return useQuery({
    queryKey: analyticsKeys.donations(range),
    queryFn: ({ signal }) =>
      api<PaymentStats>('/api/totals/stats', {
        query: { from: range.from, to: range.to, bucket: 'day' },
        signal,
      }),
  })
}

/** Pledges created in the range, by state, and how many are stuck now. */
export function usePledgeStats(range: DayRange) {
  return useQuery({
    queryKey: analyticsKeys.outcomes(range),
    queryFn: ({ signal }) =>
      api<PledgeStats>('/api/pledges/stats', {
        query: { from: dayStart(range.from), to: dayAfter(range.to) },
        signal,
      }),
  })
}

export type CampaignRaised = CampaignTotals & { title: string }

const TOP = 10

/**
 * The active campaigns that raised most: their list, then their totals in one request, joined
 * and sorted by amount raised (compared in cents), the first ten.
 */
export function useTopCampaigns() {
  return useQuery({
    queryKey: analyticsKeys.topCampaigns(),
    queryFn: async ({ signal }): Promise<CampaignRaised[]> => {
      const campaigns = await api<Page<Campaign>>('/api/campaigns', {
        query: { status: 'ACTIVE', limit: 100 },
        signal,
      })
      if (campaigns.items.length === 0) return []
      const totals = await api<{ items: CampaignTotals[] }>('/api/totals', {
        query: { campaignIds: campaigns.items.map((campaign) => campaign.id).join(',') },
        signal,
      })
      const titles = new Map(campaigns.items.map((campaign) => [campaign.id, campaign.title]))
      return totals.items
        .map((item) => ({ ...item, title: titles.get(item.campaignId) ?? item.campaignId }))
        .sort((a, b) => toCents(b.totalAmount) - toCents(a.totalAmount))
        .slice(0, TOP)
    },
  })
}
