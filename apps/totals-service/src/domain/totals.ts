import { fromCents } from '@careforall/contracts'
import type { CampaignFigures } from './ledger'

/**
 * One campaign's totals as a point in its history. `version` counts the visible changes (it is the
 * server-sent event id), so copies held by different instances, or loaded and notified in either
 * order, are ordered without looking at clocks: the higher version always wins.
 */
export interface TotalsSnapshot extends CampaignFigures {
  campaignId: string
  /** When the totals last changed; null for a campaign that never had a payment. */
  lastUpdated: string | null
  version: number
}

/** What an unknown or empty campaign shows: zeros, never changed, version 0. */
export function emptyTotals(campaignId: string): TotalsSnapshot {
  return { campaignId, totalCents: 0, totalPledges: 0, totalDonors: 0, lastUpdated: null, version: 0 }
}

/** Whether `candidate` should replace `current` in a cache. */
export function isNewer(candidate: TotalsSnapshot, current: TotalsSnapshot | undefined): boolean {
  return current === undefined || candidate.version > current.version
}

/** The public body of `GET /api/totals/{campaignId}` and of each server-sent event. */
export function totalsBody(snapshot: TotalsSnapshot) {
  return {
    campaignId: snapshot.campaignId,
    totalAmount: fromCents(snapshot.totalCents),
    totalPledges: snapshot.totalPledges,
    totalDonors: snapshot.totalDonors,
    lastUpdated: snapshot.lastUpdated,
  }
}
