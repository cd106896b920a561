import { createApp, createLimiter, createTokenVerifier, dependencyChecks } from '@careforall/http'
import { meter } from '@careforall/otel'
import type { ServiceDeps } from '@careforall/service'
import { type CampaignOf, createCampaignClient } from './campaigns'
import type { Env } from './env'
import { createIdentify } from './identity'
import { createHub } from './rooms/hub'
import { createPresence } from './rooms/presence'
import { chatSockets } from './rooms/sockets'
import { chatRouter } from './routes/chat/chat.index'

/** The common parts every service is built from, and this one's own. */
export interface Deps extends ServiceDeps<Env> {
  /** How a room checks its campaign; the campaign service by default. */
  campaignOf?: CampaignOf
}

/** Builds the chat service's app, its rooms and its socket handler; tests call this with their own world. */
export function buildApp(deps: Deps) {
  const { env, logger, sql, redis } = deps
  const verifier = createTokenVerifier({ jwksUrl: env.AUTH_JWKS_URL, redis, logger })
  const campaignOf =
    deps.campaignOf ?? createCampaignClient(env.CAMPAIGN_SERVICE_URL, env.INTERNAL_SERVICE_SECRET, logger)
  const hub = createHub({ sql, logger })
  const presence = createPresence({
    redis,
    prefix: env.REDIS_PREFIX,
    logger,
    onChange: ({ campaignId, event, userId, userName, timestamp }) =>
      hub.broadcast(campaignId, { type: 'system', event, campaignId, userId, userName, timestamp }),
  })
  const limiter = createLimiter({
    redis,
    logger,
    name: 'chat-messages',
    limit: env.CHAT_RATE_LIMIT,
    windowMs: env.CHAT_RATE_WINDOW_SECONDS * 1000,
  })
  const app = createApp({
    service: 'chat-service',
    description: 'Campaign chat rooms over WebSocket, with history, presence and moderation.',
    logger,
    readiness: dependencyChecks(deps),
  })
  app.route(
    '/',
    chatRouter({
      sql,
      campaignOf,
      hub,
      presence,
      verifier,
      identify: createIdentify({ verifier, authUrl: env.AUTH_SERVICE_URL, logger }),
      maxMuteMinutes: env.CHAT_MAX_MUTE_MINUTES,
    }),
  )
  const websocket = chatSockets({
    sql,
    hub,
    presence,
    limiter,
    logger,
    settings: {
      idleTimeoutSeconds: env.CHAT_IDLE_TIMEOUT_SECONDS,
      backpressureLimitBytes: env.CHAT_BACKPRESSURE_LIMIT_BYTES,
    },
  })
  const gauges = meter()
  gauges
    .createObservableGauge('chat_sockets_open', { description: 'Chat sockets open on this instance' })
    .addCallback((result) => result.observe(hub.size().sockets))
  gauges
    .createObservableGauge('chat_rooms_open', { description: 'Chat rooms with a socket on this instance' })
    .addCallback((result) => result.observe(hub.size().rooms))
  return { app, hub, presence, websocket }
}
