import Redis from 'ioredis'

export type { Redis } from 'ioredis'

/**
 * An ioredis client for rate limits, the token denylist and presence. With Redis down, ioredis
 * would queue commands and hang the request: the offline queue is off, so a command fails at once
 * and the caller decides (rate limits fail open; `/ready` reports `redis` down).
 */
export function createRedis(url: string, keyPrefix = ''): Redis {
  return new Redis(url, {
    keyPrefix,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    retryStrategy: (attempt) => Math.min(attempt * 200, 2000),
  })
}

export async function pingRedis(redis: Redis): Promise<boolean> {
  try {
    return (await redis.ping()) === 'PONG'
  } catch {
    return false
  }
}
