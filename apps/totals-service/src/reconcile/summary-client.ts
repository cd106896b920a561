import { INTERNAL_SECRET_HEADER } from '@careforall/http'
import { injectTraceHeaders } from '@careforall/otel'
import { z } from 'zod'

/**
 * One payment as the payment service's `GET /internal/payments/summary` reports it: the truth the
 * ledger is checked against and rebuilt from (never the payment schema itself).
 */
export const SummaryItem = z.object({
  paymentId: z.uuid(),
  campaignId: z.uuid(),
  donorKey: z.string(),
  capturedCents: z.number().int().nonnegative(),
  refundedCents: z.number().int().nonnegative(),
  /** When the capture was recorded (null or absent from an older payment service: unknown). */
  capturedAt: z.iso.datetime({ offset: true }).nullable().default(null),
  /** The succeeded refunds in `refundedCents` (a payment service without them sends none). */
  refunds: z
    .array(
      z.object({
        refundId: z.uuid(),
        amountCents: z.number().int().positive(),
        refundedAt: z.iso.datetime({ offset: true }),
      }),
    )
    .default([]),
})
export type SummaryItem = z.infer<typeof SummaryItem>

const SummaryPage = z.object({ items: z.array(SummaryItem), nextCursor: z.string().min(1).nullable() })

export interface SummaryClient {
  /** Every payment (or one campaign's), page by page, following `nextCursor` to the end. */
  pages(filter?: { campaignId?: string }): AsyncGenerator<SummaryItem[]>
}

export interface SummaryClientOptions {
  /** The payment service's base URL. */
  baseUrl: string
  internalSecret: string
  /** Payments per page; the contract allows at most 1000. */
  pageSize?: number
  timeoutMs?: number
}

/** A client for the payment summary contract, with the internal secret and the trace passed on. */
export function createSummaryClient(options: SummaryClientOptions): SummaryClient {
  const pageSize = Math.min(options.pageSize ?? 1000, 1000)
  return {
    async *pages(filter = {}) {
      let cursor: string | null = null
      do {
        const url = new URL('/internal/payments/summary', options.baseUrl)
        url.searchParams.set('limit', String(pageSize))
        if (filter.campaignId) url.searchParams.set('campaignId', filter.campaignId)
        if (cursor) url.searchParams.set('cursor', cursor)
        const headers = injectTraceHeaders(
          new Headers({ accept: 'application/json', [INTERNAL_SECRET_HEADER]: options.internalSecret }),
        )
        const res = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
        if (!res.ok) throw new Error(`payment summary answered ${res.status}`)
        const page = SummaryPage.parse(await res.json())
        yield page.items
        cursor = page.nextCursor
      } while (cursor)
    },
  }
}
