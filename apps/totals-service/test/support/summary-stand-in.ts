import type { PaymentSummaryItem } from '@careforall/contracts'

export interface SummaryStandIn {
  url: string
  /** What the payment service knows, per payment: tests set it as they please. */
  payments: Map<string, PaymentSummaryItem>
  /** Requests received, with the secret they carried. */
  requests: { url: string; secret: string | null }[]
  stop(): void
}

/**
 * Stands in for the payment service's `GET /internal/payments/summary`, as a real HTTP server
 * answering the contract both services import (`@careforall/contracts`):
 * `?campaignId=&limit=(≤1000)&cursor=`, the internal secret required, `{ items, nextCursor }`
 * with an opaque cursor.
 */
export function startSummaryStandIn(secret: string): SummaryStandIn {
  const payments = new Map<string, PaymentSummaryItem>()
  const requests: SummaryStandIn['requests'] = []
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (req) => {
      const url = new URL(req.url)
      requests.push({ url: url.pathname + url.search, secret: req.headers.get('x-internal-secret') })
      if (url.pathname !== '/internal/payments/summary') return new Response('not found', { status: 404 })
      if (req.headers.get('x-internal-secret') !== secret) return new Response('forbidden', { status: 403 })
      const limit = Number(url.searchParams.get('limit') ?? 100)
      if (!Number.isInteger(limit) || limit < 1 || limit > 1000)
        return new Response('bad limit', { status: 400 })
      const campaignId = url.searchParams.get('campaignId')
      const cursor = url.searchParams.get('cursor')
      const after = cursor ? Buffer.from(cursor, 'base64url').toString() : ''
      const all = [...payments.values()]
        .filter((item) => !campaignId || item.campaignId === campaignId)
        .sort((a, b) => a.paymentId.localeCompare(b.paymentId))
        .filter((item) => item.paymentId > after)
      const items = all.slice(0, limit)
      const nextCursor =
        all.length > limit ? Buffer.from(items.at(-1)!.paymentId).toString('base64url') : null
      return Response.json({ items, nextCursor })
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, payments, requests, stop: () => server.stop(true) }
}
