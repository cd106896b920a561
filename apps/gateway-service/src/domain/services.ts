/**
 * The services behind the gateway and the public path each one owns (ARCHITECTURE.md's gateway
 * routes). The key is the short name the admin panel reads in `GET /api/status`.
 */
export const SERVICES = {
  auth: { name: 'auth-service', prefix: '/api/auth' },
  campaign: { name: 'campaign-service', prefix: '/api/campaigns' },
  pledge: { name: 'pledge-service', prefix: '/api/pledges' },
  payment: { name: 'payment-service', prefix: '/api/payments' },
  totals: { name: 'totals-service', prefix: '/api/totals' },
  chat: { name: 'chat-service', prefix: '/api/chat' },
} as const

export type ServiceKey = keyof typeof SERVICES

export const SERVICE_KEYS = Object.keys(SERVICES) as ServiceKey[]

/** Base URL of each upstream, e.g. `{ campaign: 'http://127.0.0.1:3002', … }`. */
export type Upstreams = Record<ServiceKey, string>

/** Server-sent event streams: long-lived responses that no timeout may cut. */
export function isEventStream(path: string): boolean {
  return /^\/api\/totals\/[^/]+\/stream\/?$/.test(path)
}
