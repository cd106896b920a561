import { serviceMigrations, startService } from '@careforall/service'
import { buildApp } from './app'
import { env } from './env'
import { followRooms } from './events/chat-events'

await startService({
  name: 'chat-service',
  schema: 'chat',
  env,
  migrations: [serviceMigrations(import.meta.dir)],
  build: buildApp,
  workers: async ({ broker, logger }, { hub, presence }) => {
    await presence.start()
    return [await followRooms({ broker, logger, hub }), { stop: () => presence.stop() }]
  },
  outboxRelay: true,
  serve: (built) => ({ websocket: built.websocket }),
})
