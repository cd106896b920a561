import type { CampaignSummary, ChatServerFrame } from '@careforall/contracts'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import {
  type RunningService,
  spawnService,
  startTestAuth,
  type TestAuth,
  type TestSession,
  worldEnv,
} from '@careforall/devkit/testing'
import { createLogger } from '@careforall/logger'
import { buildApp as buildGateway } from '../../../gateway-service/src/app'
import { chatRelay } from '../../../gateway-service/src/routes/chat-socket/relay'

/**
 * The campaign service's internal route, answered from a map the test controls (a room's campaign
 * exists, is open or closed, has an owner). Everything else is real: the auth service, two chat
 * instances as processes on one database, vhost and Redis prefix, and the gateway with its relay.
 */
function startCampaigns() {
  const campaigns = new Map<string, CampaignSummary>()
  const server = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: (req) => {
      const id = new URL(req.url).pathname.split('/').at(-1)!
      const campaign = campaigns.get(id)
      return campaign ? Response.json(campaign) : Response.json({ status: 404 }, { status: 404 })
    },
  })
  return { url: `http://127.0.0.1:${server.port}`, campaigns, stop: () => server.stop(true) }
}

export interface ChatClient {
  frames: ChatServerFrame[]
  ws: WebSocket
  send(frame: unknown): void
  /** Resolves with the first frame (seen already or to come) that matches. */
  next(match: (frame: ChatServerFrame) => boolean, timeoutMs?: number): Promise<ChatServerFrame>
  /** The frames of one type, in the order received. */
  of<T extends ChatServerFrame['type']>(type: T): Extract<ChatServerFrame, { type: T }>[]
  closed: Promise<CloseEvent>
  close(): Promise<void>
}

export function connect(url: string): Promise<ChatClient> {
  const ws = new WebSocket(url)
  const frames: ChatServerFrame[] = []
  const waiters: { match: (frame: ChatServerFrame) => boolean; resolve: (frame: ChatServerFrame) => void }[] =
    []
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve))
  ws.addEventListener('message', (event) => {
    const frame = JSON.parse(String(event.data)) as ChatServerFrame
    frames.push(frame)
    for (const waiter of [...waiters]) {
      if (waiter.match(frame)) {
        waiters.splice(waiters.indexOf(waiter), 1)
        waiter.resolve(frame)
      }
    }
  })
  const client: ChatClient = {
    frames,
    ws,
    closed,
    send: (frame) => ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame)),
    next: (match, timeoutMs = 5000) => {
      const seen = frames.find(match)
      if (seen) return Promise.resolve(seen)
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`no matching frame in ${timeoutMs} ms; got ${JSON.stringify(frames)}`)),
          timeoutMs,
        )
        waiters.push({
          match,
          resolve: (frame) => {
            clearTimeout(timer)
            resolve(frame)
          },
        })
      })
    },
    of: (type) => frames.filter((frame) => frame.type === type) as never,
    close: async () => {
      ws.close()
      await closed
    },
  }
  return new Promise((resolve, reject) => {
    ws.addEventListener('open', () => resolve(client), { once: true })
    ws.addEventListener(
      'close',
      (event) => reject(new Error(`cannot open ${url}: closed ${event.code} ${event.reason}`)),
      { once: true },
    )
  })
}

export interface ChatWorld {
  world: TestResources
  auth: TestAuth
  campaigns: Map<string, CampaignSummary>
  /** Two chat instances sharing everything. */
  chat: [RunningService, RunningService]
  gateway: string
  /** A new ACTIVE campaign owned by `owner`. */
  room(owner: TestSession, status?: CampaignSummary['status']): string
  /** `ws://…/api/chat/campaigns/{id}/ws?…` through the gateway, or straight to instance 0 or 1. */
  socketUrl(campaignId: string, options?: { token?: string; since?: number; via?: 'gateway' | 0 | 1 }): string
  close(): Promise<void>
}

export async function startChatWorld(env: Record<string, string> = {}): Promise<ChatWorld> {
  const world = await createTestResources()
  const auth = await startTestAuth(world)
  const campaigns = startCampaigns()
  const chatEnv = {
    ...worldEnv(world, 'chat'),
    AUTH_JWKS_URL: auth.jwksUrl,
    AUTH_SERVICE_URL: auth.service.url,
    CAMPAIGN_SERVICE_URL: campaigns.url,
    ...env,
  }
  const chat = [await spawnService('chat', chatEnv), await spawnService('chat', chatEnv)] as [
    RunningService,
    RunningService,
  ]
  const gatewayApp = buildGateway({
    logger: createLogger({ serviceName: 'gateway-service', level: 'silent' }),
    upstreams: {
      auth: auth.service.url,
      campaign: campaigns.url,
      pledge: campaigns.url,
      payment: campaigns.url,
      totals: campaigns.url,
      chat: chat[0].url,
    },
    upstreamTimeoutMs: 5000,
    bodyLimitBytes: 1024 * 1024,
    adminDir: '/nonexistent/admin-dist', // the panel is not what these tests look at
    corsOrigins: ['http://localhost:5173'],
    probeTimeoutMs: 500,
  })
  const gateway = Bun.serve({
    port: 0,
    hostname: '127.0.0.1',
    fetch: gatewayApp.fetch,
    websocket: chatRelay({
      logger: createLogger({ serviceName: 'gateway-service', level: 'silent' }),
      idleTimeoutSeconds: 60,
      backpressureLimitBytes: 1024 * 1024,
    }),
  })
  const gatewayUrl = `http://127.0.0.1:${gateway.port}`
  return {
    world,
    auth,
    campaigns: campaigns.campaigns,
    chat,
    gateway: gatewayUrl,
    room: (owner, status = 'ACTIVE') => {
      const id = Bun.randomUUIDv7()
      const now = new Date().toISOString()
      campaigns.campaigns.set(id, {
        id,
        title: 'A room',
        description: 'Chat test',
        goalAmount: 100,
        status,
        ownerId: owner.user.id,
        startDate: now,
        endDate: new Date(Date.now() + 86_400_000).toISOString(),
        version: 1,
        createdAt: now,
        updatedAt: now,
      })
      return id
    },
    socketUrl: (campaignId, options = {}) => {
      const base = options.via === undefined || options.via === 'gateway' ? gatewayUrl : chat[options.via].url
      const query = new URLSearchParams()
      if (options.token) query.set('token', options.token)
      if (options.since !== undefined) query.set('since', String(options.since))
      const suffix = query.size > 0 ? `?${query}` : ''
      return `${base.replace('http', 'ws')}/api/chat/campaigns/${campaignId}/ws${suffix}`
    },
    close: async () => {
      gateway.stop(true)
      await Promise.all(chat.map((instance) => instance.stop()))
      await auth.stop()
      campaigns.stop()
      await world.cleanup()
    },
  }
}
