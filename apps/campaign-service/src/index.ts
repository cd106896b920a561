import { serviceMigrations, startService } from '@careforall/service'
import { buildApp } from './app'
import { env } from './env'
import { campaignGauges } from './store/gauges'
import { startSweeper } from './sweeper'

await startService({
  name: 'campaign-service',
  schema: 'campaign',
  env,
  migrations: [serviceMigrations(import.meta.dir)],
  gauges: campaignGauges,
  build: buildApp,
  workers: async ({ sql, logger }) => [startSweeper(sql, env.SWEEP_INTERVAL_MS, logger)],
  outboxRelay: true,
})
