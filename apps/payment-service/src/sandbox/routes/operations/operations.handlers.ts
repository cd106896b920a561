import { numericToCents } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import { type AppRouteHandler, NotFoundError } from '@careforall/http'
import type { Context } from 'hono'
import * as ops from '../../operations'
import { findOperation, type OperationKind, type OperationRow } from '../../store'
import type * as routes from './operations.routes'

export function toOperation(row: OperationRow) {
  return {
    id: row.id,
    object: row.kind,
    providerTransactionId: row.transactionId,
    amount: numericToCents(row.amount),
    currency: 'USD' as const,
    status: row.status,
    failureReason: row.failureReason,
    reference: row.reference,
    paymentMethod: row.paymentMethod,
    createdAt: row.createdAt.toISOString(),
    decidedAt: row.decidedAt?.toISOString() ?? null,
  }
}

/** Answers like a PSP: the operation, and `Idempotent-Replayed: true` when the key had been used. */
function answer<S extends 200 | 202>(c: Context, accepted: ops.Accepted, status: S) {
  if (accepted.replayed) c.header('Idempotent-Replayed', 'true')
  return c.json(toOperation(accepted.operation), status)
}

export function operationHandlers(sql: Sql, onAccepted: () => void) {
  const key = (c: Context) => c.req.header('idempotency-key')!

  const authorize: AppRouteHandler<routes.AuthorizeRoute> = async (c) => {
    const accepted = await ops.authorize(sql, key(c), c.req.valid('json'))
    onAccepted()
    return answer(c, accepted, 202)
  }

  const capture: AppRouteHandler<routes.CaptureRoute> = async (c) => {
    const body = c.req.valid('json')
    const accepted = await ops.capture(sql, key(c), {
      transactionId: body.providerTransactionId,
      amount: body.amount,
    })
    onAccepted()
    return answer(c, accepted, 202)
  }

  const refund: AppRouteHandler<routes.RefundRoute> = async (c) => {
    const body = c.req.valid('json')
    const accepted = await ops.refund(sql, key(c), {
      transactionId: body.providerTransactionId,
      amount: body.amount,
    })
    onAccepted()
    return answer(c, accepted, 202)
  }

  const voidAuthorization: AppRouteHandler<routes.VoidRoute> = async (c) =>
    answer(c, await ops.voidAuthorization(sql, key(c), c.req.valid('param').id), 200)

  const getOne =
    (kind: OperationKind): AppRouteHandler<routes.GetOneRoute> =>
    async (c) => {
      const row = await findOperation(sql, c.req.valid('param').id, kind)
      if (!row) throw new NotFoundError(`No ${kind} with this id`)
      return c.json(toOperation(row), 200)
    }

  return {
    authorize,
    capture,
    refund,
    voidAuthorization,
    getAuthorization: getOne('authorization'),
    getCapture: getOne('capture'),
    getRefund: getOne('refund'),
  }
}
