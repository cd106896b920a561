import { useQuery } from '@tanstack/react-query'
import { api } from './client'
import type { PaymentStats, PlatformStatus, PledgeStats } from './types'

/** How often the overview asks the gateway for every service's readiness. */
export const STATUS_REFRESH_MS = 10_000

export const platformKeys = {
  status: ['platform', 'status'] as const,
  paymentStats: (from: string, to: string) => ['platform', 'payment-stats', from, to] as const,
  pledgeStats: ['platform', 'pledge-stats'] as const,
}

/** `GET /api/status`: always 200 while the gateway is up; a service that is down is reported in it. */
export function useStatus() {
  return useQuery({
    queryKey: platformKeys.status,
    queryFn: ({ signal }) => api<PlatformStatus>('/api/status', { signal }),
    refetchInterval: STATUS_REFRESH_MS,
  })
}

/** Captures and refunds per UTC day, `from` and `to` (`YYYY-MM-DD`) included. */
export function usePaymentStats(from: string, to: string) {
  return useQuery({
    queryKey: platformKeys.paymentStats(from, to),
    queryFn: ({ signal }) =>
      api<PaymentStats>('/api/totals/stats', { query: { from, to, bucket: 'day' }, signal }),
  })
}

/** Pledges by state over all time, and how many are stuck (not settled after `stuckAfterSeconds`). */
export function usePledgeStats() {
  return useQuery({
    queryKey: platformKeys.pledgeStats,
    queryFn: ({ signal }) => api<PledgeStats>('/api/pledges/stats', { signal }),
  })
}
