import {
  PAYMENT_SUMMARY_MAX_PAGE,
  PAYMENT_SUMMARY_PATH,
  type PaymentSummaryItem,
  PaymentSummaryPage,
} from '@careforall/contracts'
import { INTERNAL_SECRET_HEADER } from '@careforall/http'
import { injectTraceHeaders } from '@careforall/otel'

export interface SummaryClient {
  /** Every payment (or one campaign's), page by page, following `nextCursor` to the end. */
  pages(filter?: { campaignId?: string }): AsyncGenerator<PaymentSummaryItem[]>
}

export interface SummaryClientOptions {
  /** The payment service's base URL. */
  baseUrl: string
  internalSecret: string
  /** Payments per page; the contract allows at most 1000. */
  pageSize?: number
  timeoutMs?: number
}

/**
 * A client for the payment summary contract (`@careforall/contracts`, the schemas the payment
 * service answers with), with the internal secret and the trace passed on.
 */
export function createSummaryClient(options: SummaryClientOptions): SummaryClient {
  const pageSize = Math.min(options.pageSize ?? PAYMENT_SUMMARY_MAX_PAGE, PAYMENT_SUMMARY_MAX_PAGE)
  return {
    async *pages(filter = {}) {
      let cursor: string | null = null
      do {
        const url = new URL(PAYMENT_SUMMARY_PATH, options.baseUrl)
        url.searchParams.set('limit', String(pageSize))
        if (filter.campaignId) url.searchParams.set('campaignId', filter.campaignId)
        if (cursor) url.searchParams.set('cursor', cursor)
        const headers = injectTraceHeaders(
          new Headers({ accept: 'application/json', [INTERNAL_SECRET_HEADER]: options.internalSecret }),
        )
        const res = await fetch(url, { headers, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
        if (!res.ok) throw new Error(`payment summary answered ${res.status}`)
        const page = PaymentSummaryPage.parse(await res.json())
        yield page.items
        cursor = page.nextCursor
      } while (cursor)
    },
  }
}
