import { keepPreviousData, useQuery } from '@tanstack/react-query'
import { api } from './client'
import type { AuditEntry, Page } from './types'

/** The actions the audit log records (auth-service: role and status changes; payments: an admin's capture or refund). */
export const AUDIT_ACTIONS = [
  'user.role_changed',
  'user.disabled',
  'user.enabled',
  'payment.captured',
  'payment.refunded',
] as const

const PAGE_SIZE = 20

/** What `GET /api/auth/audit` filters by; instants in ISO. */
export interface AuditQuery {
  action?: string | undefined
  actorId?: string | undefined
  targetId?: string | undefined
  from?: string | undefined
  to?: string | undefined
}

export const auditKeys = {
  all: ['audit'] as const,
  list: (filters: AuditQuery, cursor: string | undefined) =>
    [...auditKeys.all, 'list', filters, cursor ?? null] as const,
}

/** The audit log of admin actions, newest first. */
export function useAudit(filters: AuditQuery, cursor: string | undefined) {
  return useQuery({
    queryKey: auditKeys.list(filters, cursor),
    queryFn: ({ signal }) =>
      api<Page<AuditEntry>>('/api/auth/audit', { query: { ...filters, limit: PAGE_SIZE, cursor }, signal }),
    placeholderData: keepPreviousData,
  })
}
