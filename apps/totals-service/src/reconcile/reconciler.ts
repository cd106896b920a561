import type { Queryable } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { meter } from '@careforall/otel'
import { type ReconcileResult, reconcile } from '../usecases/reconcile'
import type { SummaryClient } from './summary-client'

export interface ReconcilerOptions {
  sql: Queryable
  summary: SummaryClient
  logger: Logger
  /** 0: never on a timer (tests and the CLI call `runOnce`). */
  intervalMs: number
  settleMs: number
}

export interface Reconciler {
  runOnce(): Promise<ReconcileResult>
  last(): ReconcileResult | undefined
  stop(): Promise<void>
}

/**
 * Compares the read model with the payment service every `intervalMs` and exports what it finds
 * for Prometheus: `totals_drift_cents` (Σ |expected − served| over the drifting campaigns) and
 * `totals_drifting_campaigns`, plus the time of the last successful run so an alert can tell
 * "no drift" from "not checked". Campaign ids are logged rather than used as labels (unbounded
 * cardinality). It only measures: fixing is `bun run rebuild`, an operator's decision.
 */
export function startReconciler(options: ReconcilerOptions): Reconciler {
  let last: ReconcileResult | undefined
  let running: Promise<ReconcileResult> | undefined
  const m = meter()
  const runs = m.createCounter('totals_reconcile_runs_total', {
    description: 'Reconciliation runs against the payment summary, by outcome',
  })
  const drift = m.createObservableGauge('totals_drift_cents', {
    description: 'Cents by which served totals differ from the payment summary, summed over campaigns',
  })
  const drifting = m.createObservableGauge('totals_drifting_campaigns', {
    description: 'Campaigns whose served totals differ from the payment summary',
  })
  const lastSuccess = m.createObservableGauge('totals_reconcile_last_success_seconds', {
    description: 'Unix time of the last completed reconciliation',
  })
  const observe: Parameters<typeof m.addBatchObservableCallback>[0] = (result) => {
    if (!last) return
    result.observe(drift, last.driftCents)
    result.observe(drifting, last.drifting.length)
    result.observe(lastSuccess, Date.parse(last.at) / 1000)
  }
  m.addBatchObservableCallback(observe, [drift, drifting, lastSuccess])

  const runOnce = () => {
    running ??= reconcile(options)
      .then((result) => {
        last = result
        runs.add(1, { outcome: 'ok' })
        const { payments, campaigns, transient, driftCents } = result
        const log = { payments, campaigns, transient, driftCents }
        if (result.drifting.length === 0) options.logger.info(log, 'totals reconciled: no drift')
        else {
          const campaignIds = result.drifting.slice(0, 20).map((d) => d.campaignId)
          options.logger.warn({ ...log, drifting: result.drifting.length, campaignIds }, 'totals drift found')
        }
        return result
      })
      .catch((error: unknown) => {
        runs.add(1, { outcome: 'failed' })
        throw error
      })
      .finally(() => {
        running = undefined
      })
    return running
  }

  const timer =
    options.intervalMs > 0
      ? setInterval(() => {
          runOnce().catch((error: unknown) =>
            options.logger.warn({ err: error }, 'reconciliation failed; will retry at the next interval'),
          )
        }, options.intervalMs)
      : undefined

  return {
    runOnce,
    last: () => last,
    stop: async () => {
      clearInterval(timer)
      m.removeBatchObservableCallback(observe, [drift, drifting, lastSuccess])
      await running?.catch(() => undefined)
    },
  }
}
