import type { CampaignStatus, CampaignSummary, PledgeState } from '@careforall/contracts'
import type { SessionUser } from './session'

/* The gateway's response bodies the panel reads, as its merged OpenAPI (`/openapi.json`) describes them. */

export type { CampaignStatus, PledgeState }
export type Campaign = CampaignSummary & { currentAmount?: number | null }
export type User = SessionUser

export interface Page<T> {
  items: T[]
  nextCursor: string | null
}

export interface CampaignTotals {
  campaignId: string
  totalAmount: number
  totalPledges: number
  totalDonors: number
  lastUpdated: string | null
}

export interface PledgeHistoryEntry {
  from: PledgeState | null
  to: PledgeState
  causeEventId: string
  at: string
}

export interface Pledge {
  id: string
  campaignId: string
  userId: string | null
  donorName: string | null
  anonymous: boolean
  amount: number
  refundedAmount: number
  paymentMethod: string
  state: PledgeState
  paymentId: string | null
  createdAt: string
  updatedAt: string
}

export type PledgeWithHistory = Pledge & { history: PledgeHistoryEntry[] }

export interface PublicDonation {
  id: string
  amount: number
  donorName: string
  createdAt: string
}

export type PaymentStatus = 'PENDING' | 'AUTHORIZED' | 'CAPTURED' | 'REFUNDED' | 'FAILED'

export interface Payment {
  id: string
  pledgeId: string
  campaignId: string
  campaignOwnerId: string
  donorKey: string
  amount: number
  capturedAmount: number
  refundedAmount: number
  currency: 'USD'
  paymentMethod: string
  status: PaymentStatus
  failureReason: string | null
  provider: string
  providerTransactionId: string | null
  recoveryPoint: string
  lastError: string | null
  authorizedAt: string | null
  capturedAt: string | null
  createdAt: string
  updatedAt: string
}

export interface Refund {
  id: string
  paymentId: string
  amount: number
  status: 'PENDING' | 'SUCCEEDED' | 'FAILED'
  providerRefundId: string | null
  requestedBy: string
  lastError: string | null
  createdAt: string
  completedAt: string | null
}

export interface PaymentHistoryEntry {
  from: PaymentStatus | null
  to: PaymentStatus
  event: string | null
  amount: number | null
  refundId: string | null
  reason: string | null
  causeKind: 'event' | 'webhook' | 'sweeper' | 'provider'
  causeId: string
  at: string
}

export type PaymentDetail = Payment & { history: PaymentHistoryEntry[]; refunds: Refund[] }

export interface WebhookDelivery {
  id: string
  provider: string
  type: string
  providerTransactionId: string
  providerRefundId: string | null
  deliveries: number
  outcome: 'applied' | 'no-op' | 'unmatched' | null
  appliedAt: string | null
  lastError: string | null
  firstReceivedAt: string
  lastReceivedAt: string
  payload: Record<string, unknown>
}

export interface AuditEntry {
  id: string
  actorId: string
  action: string
  targetId: string
  details: Record<string, unknown>
  at: string
}

export interface DayStats {
  day: string
  capturedAmount: number
  refundedAmount: number
  netAmount: number
  pledgesCaptured: number
  refunds: number
}

export interface PaymentStats {
  bucket: 'day'
  from: string
  to: string
  items: DayStats[]
}

export interface PledgeStats {
  from: string | null
  to: string | null
  byState: Record<PledgeState, { count: number; amount: number }>
  stuck: number
  stuckAfterSeconds: number
}

export type ServiceName = 'auth' | 'campaign' | 'pledge' | 'payment' | 'totals' | 'chat'

export interface ServiceStatus {
  status: 'ready' | 'unready' | 'down'
  checks?: Record<string, 'up' | 'down'>
  dlq?: Record<string, number>
}

export interface PlatformStatus {
  status: 'ready' | 'degraded'
  services: Record<ServiceName, ServiceStatus>
  dlq?: { total: number }
}

export interface ChatHistoryItem {
  seq: number
  id: string
  userId: string
  userName: string
  message: string
  deleted: boolean
  timestamp: string
}
