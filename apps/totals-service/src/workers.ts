import type { Consumer } from '@careforall/messaging'
import { buildApp, type Deps } from './app'
import { consumePaymentEvents, PAYMENT_EVENTS_QUEUE } from './events/payment-events'
import { listenForChanges } from './read-model/change-listener'
import { recordVisible } from './read-model/metrics'
import { startReconciler } from './reconcile/reconciler'
import { createSummaryClient, type SummaryClient } from './reconcile/summary-client'

export interface TotalsOptions extends Deps {
  /** Whether this instance consumes the durable queue too (default true; a test may run a reader only). */
  consume?: boolean
  /** The payment summary; by default the payment service at PAYMENT_SERVICE_URL. */
  summary?: SummaryClient
}

/**
 * The whole totals service around its app: the durable consumer that feeds the ledger, the fan-out
 * listener that keeps this instance's memory current, the periodic refresh (also run after every
 * broker reconnect, when a new fan-out queue has missed what came meanwhile) and the
 * reconciliation job. `stop()` ends event streams first, then stops consuming.
 */
export async function startTotals(options: TotalsOptions) {
  const built = buildApp(options)
  return { ...built, ...(await feedTotals(options, built)) }
}

/** What keeps an app's read model fed: started by `startTotals()`, or by `startService()` in index.ts. */
export async function feedTotals(options: TotalsOptions, { cache }: ReturnType<typeof buildApp>) {
  const { env, logger, sql, broker } = options
  const refresh = () =>
    cache.refreshAll().catch((error: unknown) => logger.warn({ err: error }, 'cannot refresh cached totals'))
  const listener = await listenForChanges({ broker, sql, logger, cache, consumer: PAYMENT_EVENTS_QUEUE })
  const consumer: Consumer | undefined =
    options.consume === false
      ? undefined
      : await consumePaymentEvents({
          broker,
          sql,
          logger,
          // This instance applied it: show it here at once, without waiting for the fan-out.
          onSettled: (eventId, changed, eventTime) => {
            listener.settled(eventId)
            if (changed && cache.tracks(changed.campaignId) && cache.offer(changed)) {
              recordVisible(cache.visibility, eventTime, 'local')
            }
          },
        })
  const afterConnect = async () => void refresh()
  await broker.addSetup(afterConnect)
  const timer = setInterval(refresh, env.CACHE_REFRESH_MS)
  const reconciler = startReconciler({
    sql,
    summary:
      options.summary ??
      createSummaryClient({ baseUrl: env.PAYMENT_SERVICE_URL, internalSecret: env.INTERNAL_SERVICE_SECRET }),
    logger,
    intervalMs: env.RECONCILE_INTERVAL_MS,
    settleMs: env.RECONCILE_SETTLE_MS,
  })
  return {
    listener,
    reconciler,
    stop: async () => {
      cache.subscribers.closeAll()
      clearInterval(timer)
      broker.removeSetup(afterConnect)
      await reconciler.stop()
      await consumer?.stop()
      await listener.stop()
    },
  }
}

export type RunningTotals = Awaited<ReturnType<typeof startTotals>>
