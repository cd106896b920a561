// `bun run --cwd apps/totals-service rebuild`: rebuilds the totals read model from scratch from the
// payment service's GET /internal/payments/summary (never its schema). Prints one JSON line.
import { openDatabase } from '@careforall/db'
import { createLogger } from '@careforall/logger'
import { messagingMigrations } from '@careforall/messaging'
import { env } from '../env'
import { createSummaryClient } from '../reconcile/summary-client'
import { rebuildFromSummary } from '../usecases/rebuild'

const logger = createLogger({ serviceName: 'totals-rebuild', level: env.LOG_LEVEL })
const sql = await openDatabase({
  url: env.DATABASE_URL,
  schema: 'totals',
  migrations: [messagingMigrations, { module: 'service', dir: `${import.meta.dir}/../../migrations` }],
  logger,
  max: 2,
})
try {
  const summary = createSummaryClient({
    baseUrl: env.PAYMENT_SERVICE_URL,
    internalSecret: env.INTERNAL_SERVICE_SECRET,
  })
  const started = performance.now()
  const result = await rebuildFromSummary(sql, summary)
  console.log(
    JSON.stringify({
      rebuilt: true,
      payments: result.payments,
      changedCampaigns: result.changedCampaigns.length,
      durationMs: Math.round(performance.now() - started),
    }),
  )
  logger.info({ ...result, changedCampaigns: result.changedCampaigns.length }, 'read model rebuilt')
} catch (error) {
  logger.error({ err: error }, 'rebuild failed; nothing was changed')
  process.exitCode = 1
} finally {
  await sql.end({ timeout: 5 })
}
