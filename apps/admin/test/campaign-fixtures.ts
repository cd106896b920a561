import type { Campaign, CampaignTotals, ChatHistoryItem, PublicDonation } from '../src/api/types'
import { ADMIN } from './support'

/** Ids are valid UUIDs (v7 layout): the chat frames are checked against the protocol's schema. */
export const id = (n: number) => `01936f8e-0000-7000-8000-${String(n).padStart(12, '0')}`

export const CAMPAIGN_ID = id(100)
export const DONOR_ID = id(200)

export function campaign(overrides: Partial<Campaign> = {}): Campaign {
  return {
    id: CAMPAIGN_ID,
    title: 'Clean water for Rangpur',
    description: 'Tube wells for six villages.',
    goalAmount: 25_000,
    status: 'ACTIVE',
    ownerId: ADMIN.user.id,
    startDate: '2026-12-01T09:00:00.000Z',
    endDate: '2027-02-01T09:00:00.000Z',
    version: 2,
    createdAt: '2026-11-30T10:00:00.000Z',
    updatedAt: '2026-12-01T09:00:00.000Z',
    currentAmount: 5_000,
    ...overrides,
  }
}

export function totals(overrides: Partial<CampaignTotals> = {}): CampaignTotals {
  return {
    campaignId: CAMPAIGN_ID,
    totalAmount: 5_000,
    totalPledges: 40,
    totalDonors: 35,
    lastUpdated: '2026-12-03T12:00:00.000Z',
    ...overrides,
  }
}

export function donation(n: number, overrides: Partial<PublicDonation> = {}): PublicDonation {
  return {
    id: id(300 + n),
    amount: 25,
    donorName: `Donor ${n}`,
    createdAt: '2026-12-03T12:00:00.000Z',
    ...overrides,
  }
}

export function chatItem(seq: number, overrides: Partial<ChatHistoryItem> = {}): ChatHistoryItem {
  return {
    seq,
    id: id(400 + seq),
    userId: DONOR_ID,
    userName: 'Dana Donor',
    message: `message ${seq}`,
    deleted: false,
    timestamp: '2026-12-03T12:00:00.000Z',
    ...overrides,
  }
}
