import { numericToCents } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import { type AppRouteHandler, BadRequestError } from '@careforall/http'
import { z } from 'zod'
import { summaryPage } from '../../store/reads'
import type { SummaryRoute } from './internal.routes'

/** The cursor is the last payment id of the page, opaque to callers (base64url). */
const encode = (id: string) => Buffer.from(id).toString('base64url')
function decode(cursor: string | undefined): string | undefined {
  if (cursor === undefined) return undefined
  const id = Buffer.from(cursor, 'base64url').toString()
  if (!z.uuid().safeParse(id).success) throw new BadRequestError('The cursor is not valid')
  return id
}

export function internalHandlers(sql: Sql) {
  const summary: AppRouteHandler<SummaryRoute> = async (c) => {
    const { campaignId, limit, cursor } = c.req.valid('query')
    const rows = await summaryPage(sql, { campaignId, after: decode(cursor), limit })
    return c.json(
      {
        items: rows.map((row) => ({
          paymentId: row.id,
          campaignId: row.campaignId,
          donorKey: row.donorKey,
          capturedCents: numericToCents(row.capturedAmount),
          refundedCents: numericToCents(row.refundedAmount),
          capturedAt: row.capturedAt ? row.capturedAt.toISOString() : null,
          refunds: row.refunds.map((refund) => ({
            refundId: refund.refundId,
            amountCents: refund.amountCents,
            refundedAt: new Date(refund.refundedAt).toISOString(),
          })),
        })),
        nextCursor: rows.length === limit ? encode(rows.at(-1)!.id) : null,
      },
      200,
    )
  }
  return { summary }
}
