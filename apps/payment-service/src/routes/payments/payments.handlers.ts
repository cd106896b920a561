import { toCents } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import { type AppRouteHandler, cursorFrom, idempotently, NotFoundError, nextCursorOf } from '@careforall/http'
import { historyOf } from '../../store/history'
import { findPayment, type PaymentRow } from '../../store/payments'
import { listPayments } from '../../store/reads'
import { type RefundRow, refundsOf } from '../../store/refunds'
import { webhooksOfPayment } from '../../store/webhooks'
import { canManage, captureCommand } from '../../usecases/capture'
import type { Driver } from '../../usecases/driver'
import { type Refunds, refundCommand } from '../../usecases/refunds'
import { toHistory, toPayment, toRefund, toWebhook } from './payments.dto'
import type * as routes from './payments.routes'

export interface PaymentHandlerDeps {
  sql: Sql
  driver: Driver
  refunds: Refunds
  leaseMs: number
}

export function paymentHandlers({ sql, driver, refunds, leaseMs }: PaymentHandlerDeps) {
  const list: AppRouteHandler<routes.ListRoute> = async (c) => {
    const { pledgeId, status, recoveryPoint, limit, cursor } = c.req.valid('query')
    const rows = await listPayments(sql, {
      pledgeId,
      status,
      recoveryPoint,
      limit,
      after: cursorFrom(cursor),
    })
    return c.json({ items: rows.map(toPayment), nextCursor: nextCursorOf(rows, limit, (row) => row) }, 200)
  }

  const get: AppRouteHandler<routes.GetRoute> = async (c) => {
    const row = await findPayment(sql, c.req.valid('param').id)
    // Not the caller's to see: answered like a payment that does not exist (ids are not confirmed).
    if (!row || !canManage(c.get('user')!, row)) throw new NotFoundError('No payment with this id')
    const [history, refunds] = await Promise.all([historyOf(sql, row.id), refundsOf(sql, row.id)])
    return c.json({ ...toPayment(row), history: history.map(toHistory), refunds: refunds.map(toRefund) }, 200)
  }

  // (I) endpoints: the claim, the effect and the stored response commit together; the provider
  // is called after the commit, by this request, from the recovery point the effect claimed.
  const capture: AppRouteHandler<routes.CaptureRoute> = async (c) => {
    const { id } = c.req.valid('param')
    const user = c.get('user')!
    let claimed: PaymentRow | undefined
    const res = await idempotently<routes.CaptureRoute>(
      c,
      { sql, scope: `user:${user.id}`, request: { paymentId: id } },
      async (tx) => {
        claimed = await captureCommand(tx, id, user, leaseMs)
        return { status: 202, body: toPayment(claimed) }
      },
    )
    if (claimed) void driver.drive(claimed)
    return res
  }

  const refund: AppRouteHandler<routes.RefundRoute> = async (c) => {
    const { id } = c.req.valid('param')
    const amount = c.req.valid('json')?.amount
    const user = c.get('user')!
    let created: RefundRow | undefined
    const res = await idempotently<routes.RefundRoute>(
      c,
      { sql, scope: `user:${user.id}`, request: { paymentId: id, amount: amount ?? null } },
      async (tx) => {
        created = await refundCommand(
          tx,
          id,
          user,
          amount === undefined ? undefined : toCents(amount),
          leaseMs,
        )
        return { status: 202, body: toRefund(created) }
      },
    )
    if (created) void refunds.drive(created)
    return res
  }

  const webhooks: AppRouteHandler<routes.WebhooksRoute> = async (c) => {
    const row = await findPayment(sql, c.req.valid('param').id)
    if (!row) throw new NotFoundError('No payment with this id')
    const rows = await webhooksOfPayment(sql, row.id, row.provider, row.providerTransactionId)
    return c.json({ items: rows.map(toWebhook) }, 200)
  }

  return { list, get, capture, refund, webhooks }
}
