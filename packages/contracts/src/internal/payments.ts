import { z } from '@hono/zod-openapi'

/** Most payments one page of `GET /internal/payments/summary` may ask for. */
export const PAYMENT_SUMMARY_MAX_PAGE = 1000

/** `GET /internal/payments/summary`: the path the totals service calls and the payment service serves. */
export const PAYMENT_SUMMARY_PATH = '/internal/payments/summary'

export const PaymentSummaryQuery = z.object({
  campaignId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(PAYMENT_SUMMARY_MAX_PAGE).default(PAYMENT_SUMMARY_MAX_PAGE),
  cursor: z.string().max(64).optional(),
})

/**
 * One captured payment as the payment service's `GET /internal/payments/summary` reports it: the
 * truth the totals service checks its ledger against and rebuilds it from (never the payment
 * schema itself). The payment service answers with this schema and the totals service parses
 * with it. Fields added after the first version default when absent, so a totals service can
 * still read a payment service one release behind it.
 */
export const PaymentSummaryItem = z
  .object({
    paymentId: z.uuid(),
    campaignId: z.uuid(),
    donorKey: z.string(),
    capturedCents: z.number().int().nonnegative(),
    refundedCents: z.number().int().nonnegative(),
    /** When the capture was recorded: the day the totals' statistics count it on (null: unknown). */
    capturedAt: z.iso.datetime({ offset: true }).nullable().default(null),
    /**
     * The succeeded refunds in `refundedCents`, by id: a rebuild records them as counted, so a
     * refund event still on its way afterwards is not counted a second time.
     */
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
  .openapi('PaymentSummaryItem')
export type PaymentSummaryItem = z.infer<typeof PaymentSummaryItem>

/** A keyset page, ordered by payment id; `nextCursor` (opaque) is null on the last page. */
export const PaymentSummaryPage = z.object({
  items: z.array(PaymentSummaryItem),
  nextCursor: z.string().min(1).nullable(),
})
export type PaymentSummaryPage = z.infer<typeof PaymentSummaryPage>
