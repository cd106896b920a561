import { serve } from '@careforall/http'
import { createLogger } from '@careforall/logger'
import { buildApp } from './app'
import { env } from './env'
import { chatRelay } from './routes/chat-socket/relay'

const logger = createLogger({ serviceName: 'gateway-service', level: env.LOG_LEVEL })
const app = buildApp({
  logger,
  upstreams: {
    auth: env.AUTH_SERVICE_URL,
    campaign: env.CAMPAIGN_SERVICE_URL,
    pledge: env.PLEDGE_SERVICE_URL,
    payment: env.PAYMENT_SERVICE_URL,
    totals: env.TOTALS_SERVICE_URL,
    chat: env.CHAT_SERVICE_URL,
  },
  upstreamTimeoutMs: env.UPSTREAM_TIMEOUT_MS,
  bodyLimitBytes: env.BODY_LIMIT_BYTES,
  corsOrigins: env.CORS_ORIGINS,
  adminDir: env.ADMIN_DIST_DIR,
})

serve({
  app,
  port: env.PORT,
  hostname: env.HOST,
  logger,
  websocket: chatRelay({
    logger,
    idleTimeoutSeconds: env.CHAT_IDLE_TIMEOUT_SECONDS,
    backpressureLimitBytes: env.CHAT_BACKPRESSURE_LIMIT_BYTES,
  }),
})
