import { numericToCents } from '@careforall/contracts'
import type { Sql } from '@careforall/db'
import { type AppRouteHandler, BadRequestError } from '@careforall/http'
import { ChaosSpecError, formatChaos, parseChaos } from '../../chaos'
import { deliveryTotals } from '../../delivery-store'
import {
  duplicateReferences,
  listAuthorizations,
  type OperationRow,
  operationsOf,
  operationTotals,
  readChaosSetting,
  writeChaosSetting,
} from '../../store'
import { toOperation } from '../operations/operations.handlers'
import type * as routes from './ledger.routes'

const sumOf = (ops: OperationRow[], kind: string) =>
  ops
    .filter((op) => op.kind === kind && op.status === 'succeeded')
    .reduce((sum, op) => sum + numericToCents(op.amount), 0)

function chaosView(spec: string) {
  const chaos = parseChaos(spec)
  return { spec: formatChaos(chaos), ...chaos }
}

export function ledgerHandlers(sql: Sql) {
  const ledger: AppRouteHandler<routes.LedgerRoute> = async (c) => {
    const query = c.req.valid('query')
    const auths = await listAuthorizations(sql, {
      transactionId: query.providerTransactionId,
      reference: query.reference,
      after: query.cursor,
      limit: query.limit,
    })
    const followUps = await operationsOf(
      sql,
      auths.map((a) => a.id),
    )
    const items = auths.map((auth) => {
      const ops = followUps.filter((op) => op.transactionId === auth.id)
      return {
        providerTransactionId: auth.id,
        reference: auth.reference,
        paymentMethod: auth.paymentMethod,
        status: auth.status,
        authorizedCents:
          auth.status === 'pending' || auth.status === 'failed' ? 0 : numericToCents(auth.amount),
        capturedCents: sumOf(ops, 'capture'),
        refundedCents: sumOf(ops, 'refund'),
        operations: ops.map((op) => ({ ...toOperation(op), idempotencyKey: op.idempotencyKey })),
      }
    })
    const nextCursor = auths.length === query.limit ? auths.at(-1)!.id : null
    return c.json({ items, nextCursor }, 200)
  }

  const summary: AppRouteHandler<routes.SummaryRoute> = async (c) => {
    const rows = await operationTotals(sql)
    const totals = (kind: string) => {
      const mine = rows.filter((row) => row.kind === kind)
      return {
        count: mine.reduce((n, row) => n + row.count, 0),
        amountCents: mine
          .filter((row) => row.status === 'succeeded')
          .reduce((sum, row) => sum + numericToCents(row.amount), 0),
        byStatus: Object.fromEntries(mine.map((row) => [row.status, row.count])),
      }
    }
    return c.json(
      {
        authorizations: totals('authorization'),
        captures: totals('capture'),
        refunds: totals('refund'),
        voids: totals('void'),
        duplicateReferences: await duplicateReferences(sql),
        deliveries: await deliveryTotals(sql),
      },
      200,
    )
  }

  const getChaos: AppRouteHandler<routes.GetChaosRoute> = async (c) =>
    c.json(chaosView((await readChaosSetting(sql)).chaos), 200)

  const setChaos: AppRouteHandler<routes.SetChaosRoute> = async (c) => {
    const { spec } = c.req.valid('json')
    try {
      const view = chaosView(spec)
      await writeChaosSetting(sql, view.spec)
      return c.json(view, 200)
    } catch (error) {
      if (error instanceof ChaosSpecError) throw new BadRequestError(error.message)
      throw error
    }
  }

  return { ledger, summary, getChaos, setChaos }
}
