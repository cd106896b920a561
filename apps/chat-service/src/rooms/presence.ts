import type { Redis } from '@careforall/http'
import type { Logger } from '@careforall/logger'

/** A signed-in visitor in a room. */
export interface Present {
  userId: string
  userName: string
}

export interface PresenceChange extends Present {
  campaignId: string
  event: 'join' | 'leave'
  timestamp: string
}

/** Instances say they are alive this often; a silent one's visitors are dropped after the TTL. */
const HEARTBEAT_MS = 10_000
const INSTANCE_TTL_SECONDS = 30

// Counts one more socket of a user on an instance; 1 when it is the user's first in the room.
const ENTER = `
local n = redis.call('HINCRBY', KEYS[1], ARGV[1] .. '|' .. ARGV[2], 1)
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
if n > 1 then return 0 end
local prefix = ARGV[1] .. '|'
for _, field in ipairs(redis.call('HKEYS', KEYS[1])) do
  if field ~= prefix .. ARGV[2] and string.sub(field, 1, #prefix) == prefix then return 0 end
end
return 1`

// Counts one socket less; 1 when it was the user's last in the room (their name goes too).
const LEAVE = `
local field = ARGV[1] .. '|' .. ARGV[2]
if redis.call('HINCRBY', KEYS[1], field, -1) > 0 then return 0 end
redis.call('HDEL', KEYS[1], field)
local prefix = ARGV[1] .. '|'
for _, other in ipairs(redis.call('HKEYS', KEYS[1])) do
  if string.sub(other, 1, #prefix) == prefix then return 0 end
end
redis.call('HDEL', KEYS[2], ARGV[1])
return 1`

/**
 * Who is in a room, across instances, in Redis: per room a hash of `user|instance` → open sockets
 * and a hash of names. A user joins with their first tab anywhere and leaves with their last
 * (one system frame each, not one per tab); the change is published on a Redis channel that every
 * instance listens to. Each instance refreshes its own liveness key: the sockets of an instance
 * that died are dropped from what is reported, and their entries removed when read. An emptied
 * room's hashes disappear with their last field.
 */
export function createPresence(deps: {
  redis: Redis
  /** The key prefix, for the channel too (Redis does not prefix channel names). */
  prefix: string
  logger: Logger
  onChange(change: PresenceChange): void
}) {
  const { redis, logger } = deps
  const instance = crypto.randomUUID()
  const keys = (campaignId: string) => [`chat:presence:${campaignId}`, `chat:presence:${campaignId}:names`]
  const channel = `${deps.prefix}chat:presence`
  const aliveKey = (id: string) => `chat:instance:${id}`
  const subscriber = redis.duplicate({ keyPrefix: '', enableOfflineQueue: true })
  let heartbeat: Timer | undefined

  const announce = async (change: PresenceChange) => {
    await redis.publish(channel, JSON.stringify(change))
  }

  const beat = () =>
    redis.set(aliveKey(instance), '1', 'EX', INSTANCE_TTL_SECONDS).catch((error: unknown) => {
      logger.warn({ err: error }, 'cannot refresh chat presence liveness')
    })

  return {
    instance,
    async start() {
      // Alive from the moment Redis answers (now, or when it connects), then every HEARTBEAT_MS.
      if (redis.status === 'ready') await beat()
      redis.on('ready', beat)
      heartbeat = setInterval(beat, HEARTBEAT_MS)
      heartbeat.unref?.()
      subscriber.on('message', (_channel: string, message: string) => {
        try {
          deps.onChange(JSON.parse(message) as PresenceChange)
        } catch (error) {
          logger.warn({ err: error }, 'unreadable presence change')
        }
      })
      // Subscribed when the connection is up, and again after every reconnect (ioredis does it).
      void subscriber.subscribe(channel).catch((error: unknown) => {
        logger.warn({ err: error }, 'cannot listen for presence changes')
      })
    },
    /** A signed-in visitor opened a socket here. */
    async enter(campaignId: string, user: Present): Promise<void> {
      const first = await redis.eval(ENTER, 2, ...keys(campaignId), user.userId, instance, user.userName)
      if (first === 1) {
        await announce({ campaignId, event: 'join', ...user, timestamp: new Date().toISOString() })
      }
    },
    /** A signed-in visitor's socket here closed. */
    async leave(campaignId: string, user: Present): Promise<void> {
      const last = await redis.eval(LEAVE, 2, ...keys(campaignId), user.userId, instance)
      if (last === 1) {
        await announce({ campaignId, event: 'leave', ...user, timestamp: new Date().toISOString() })
      }
    },
    /** The signed-in visitors of a room, each once, on live instances only. */
    async list(campaignId: string): Promise<Present[]> {
      const [presenceKey, namesKey] = keys(campaignId)
      const [fields, names] = await Promise.all([redis.hgetall(presenceKey!), redis.hgetall(namesKey!)])
      const instances = [...new Set(Object.keys(fields).map((field) => field.split('|')[1]!))]
      const alive = new Set<string>()
      if (instances.length > 0) {
        const flags = await redis.mget(...instances.map(aliveKey))
        for (const [index, id] of instances.entries()) if (flags[index]) alive.add(id)
      }
      const users = new Set<string>()
      const dead: string[] = []
      for (const field of Object.keys(fields)) {
        const [userId, id] = field.split('|') as [string, string]
        if (alive.has(id)) users.add(userId)
        else dead.push(field)
      }
      if (dead.length > 0) await redis.hdel(presenceKey!, ...dead)
      const gone = Object.keys(names).filter((userId) => !users.has(userId))
      if (gone.length > 0) await redis.hdel(namesKey!, ...gone)
      return [...users].sort().map((userId) => ({ userId, userName: names[userId] ?? 'Someone' }))
    },
    async stop() {
      clearInterval(heartbeat)
      redis.off('ready', beat)
      await redis.del(aliveKey(instance)).catch(() => undefined)
      subscriber.disconnect()
    },
  }
}

export type Presence = ReturnType<typeof createPresence>
