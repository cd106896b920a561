import { fromCents } from '@careforall/contracts'
import type { Queryable } from '@careforall/db'
import { type AppRouteHandler, BadRequestError } from '@careforall/http'
import { dayOf, dayRange, eachDay } from '../../domain/days'
import { dailyStats } from '../../store/stats'
import type * as routes from './stats.routes'

export function statsHandlers({ sql }: { sql: Queryable }) {
  /** Admin reads are rare: straight from the daily table, every day of the range filled in. */
  const stats: AppRouteHandler<routes.StatsRoute> = async (c) => {
    const query = c.req.valid('query')
    const range = dayRange(query.from, query.to, dayOf(new Date()))
    if ('error' in range) throw new BadRequestError('The request is invalid', { errors: [range.error] })
    const found = new Map((await dailyStats(sql, range.from, range.to)).map((day) => [day.day, day]))
    const items = eachDay(range.from, range.to).map((day) => {
      const row = found.get(day)
      const captured = row?.capturedCents ?? 0
      const refunded = row?.refundedCents ?? 0
      return {
        day,
        capturedAmount: fromCents(captured),
        refundedAmount: fromCents(refunded),
        netAmount: fromCents(captured - refunded),
        pledgesCaptured: row?.pledgesCaptured ?? 0,
        refunds: row?.refunds ?? 0,
      }
    })
    return c.json({ bucket: 'day' as const, from: range.from, to: range.to, items }, 200)
  }
  return { stats }
}
