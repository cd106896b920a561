import { PROBLEM_BASE } from '@careforall/contracts'
import type { Logger } from '@careforall/logger'
import type { Context, MiddlewareHandler } from 'hono'
import { RedisStore, rateLimiter, type Store } from 'hono-rate-limiter'
import { problemResponse } from './problem'
import type { Redis } from './redis'
import type { AppEnv } from './types'

export interface RateLimitOptions {
  redis: Redis
  logger: Logger
  /** Names the limit in Redis keys and in the 429's detail: `login-ip`, `login-account`, … */
  name: string
  limit: number
  windowMs: number
  /** What is counted: an IP, an email, … Undefined skips the request (nothing to count by). */
  key: (c: Context<AppEnv>) => string | undefined | Promise<string | undefined>
}

/**
 * A limit shared by every instance (hono-rate-limiter's RedisStore, atomic Lua counters). Over the
 * limit → 429 problem with `Retry-After`. With Redis down the limit fails open, logged: refusing
 * every login because Redis blinked would be its own denial of service.
 */
export function rateLimit(options: RateLimitOptions): MiddlewareHandler<AppEnv> {
  const store = failOpen(redisStore(options), options)
  const keys = new WeakMap<Context, string>()
  return rateLimiter<AppEnv>({
    windowMs: options.windowMs,
    limit: options.limit,
    standardHeaders: 'draft-7',
    store,
    skip: async (c) => {
      const key = await options.key(c)
      if (key === undefined) return true
      keys.set(c, key)
      return false
    },
    keyGenerator: (c) => keys.get(c) ?? 'unknown',
    handler: (c) =>
      problemResponse(
        {
          type: `${PROBLEM_BASE}too-many-requests`,
          title: 'Too Many Requests',
          status: 429,
          detail: `Too many attempts (${options.name}); try again later`,
          requestId: c.get('requestId'),
        },
        { 'Retry-After': String(retryAfterSeconds(c, options.windowMs)) },
      ),
  })
}

/** hono-rate-limiter's RedisStore (atomic Lua counters) over our ioredis client. */
function redisStore(options: Pick<RateLimitOptions, 'redis' | 'name'>): RedisStore<AppEnv> {
  return new RedisStore<AppEnv>({
    client: {
      scriptLoad: (script) => options.redis.script('LOAD', script) as Promise<string>,
      // ioredis answers `unknown`; the store names what its own scripts return.
      evalsha: <TArgs extends unknown[], TData = unknown>(sha: string, keys: string[], args: TArgs) =>
        options.redis.evalsha(sha, keys.length, ...keys, ...(args as (string | number)[])) as Promise<TData>,
      decr: (key) => options.redis.decr(key),
      del: (key) => options.redis.del(key),
    },
    prefix: `ratelimit:${options.name}:`,
  })
}

export interface Limiter {
  /** Counts one hit for `key`; `allowed` is false once the window's limit is passed. */
  hit(key: string): Promise<{ allowed: boolean; retryAfterMs: number }>
}

/**
 * The same shared counter as `rateLimit()`, for what is not an HTTP request (a chat message on an
 * open socket): every instance counts in Redis, and with Redis down it fails open, logged.
 */
export function createLimiter(options: Omit<RateLimitOptions, 'key'>): Limiter {
  const store = failOpen(redisStore(options), options)
  // The store reads only the window from the middleware's configuration.
  store.init?.({ windowMs: options.windowMs } as Parameters<NonNullable<Store<AppEnv>['init']>>[0])
  return {
    hit: async (key) => {
      const { totalHits, resetTime } = await store.increment(key)
      const retryAfterMs = Math.max(0, (resetTime?.getTime() ?? Date.now() + options.windowMs) - Date.now())
      return { allowed: totalHits <= options.limit, retryAfterMs }
    },
  }
}

function failOpen(store: Store<AppEnv>, options: Omit<RateLimitOptions, 'key'>): Store<AppEnv> {
  const fallback = () => ({ totalHits: 0, resetTime: new Date(Date.now() + options.windowMs) })
  return {
    init: (config) => store.init?.(config),
    increment: async (key) => {
      try {
        return await store.increment(key)
      } catch (error) {
        options.logger.warn(
          { err: error, limit: options.name },
          'rate limit store unavailable; allowing the request',
        )
        return fallback()
      }
    },
    decrement: async (key) => {
      await Promise.resolve(store.decrement(key)).catch(() => undefined)
    },
    resetKey: async (key) => {
      await Promise.resolve(store.resetKey(key)).catch(() => undefined)
    },
    prefix: options.name,
  }
}

function retryAfterSeconds(c: Context, windowMs: number): number {
  const info = (c.get as (key: string) => unknown)('rateLimit') as { resetTime?: Date } | undefined
  const reset = info?.resetTime?.getTime() ?? Date.now() + windowMs
  return Math.max(1, Math.ceil((reset - Date.now()) / 1000))
}
