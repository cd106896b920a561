import { serviceMigrations, startService } from '@careforall/service'
import { buildApp } from './app'
import { env } from './env'

await startService({
  name: 'chat-service',
  schema: 'chat',
  env,
  migrations: [serviceMigrations(import.meta.dir)],
  build: (deps) => ({ app: buildApp(deps) }),
})
