import { serviceMigrations, startService } from '@careforall/service'
import { buildApp } from './app'
import { env } from './env'
import { feedTotals } from './workers'

await startService({
  name: 'totals-service',
  schema: 'totals',
  env,
  migrations: [serviceMigrations(import.meta.dir)],
  build: buildApp,
  workers: async (deps, built) => [await feedTotals(deps, built)],
  // Event streams never finish by themselves: end them as soon as shutdown starts, so the drain is
  // not held up and their clients reconnect (with Last-Event-ID) to another instance.
  onShutdownStart: ({ cache }) => cache.subscribers.closeAll(),
})
