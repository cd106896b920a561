import type { Logger } from '@careforall/logger'
import postgres from 'postgres'

export interface OutboxListenerOptions {
  /** The service role's URL: LISTEN needs a connection of its own, outside the pool. */
  databaseUrl: string
  /** `<schema>_outbox`, the channel the outbox trigger notifies at commit. */
  channel: string
  /** Sends a notification on the channel (the liveness pings). */
  notify(channel: string, payload: string): Promise<void>
  logger: Logger
  /** Called on every notification, and after each (re)subscription since some may have been missed. */
  onWake(): void
}

export interface OutboxListener {
  /**
   * Called on every sweep: (re)subscribes if needed, and pings itself through the database so a
   * subscription that died quietly (postgres.js gives up re-listening if the database is still
   * down when it tries) is noticed and rebuilt.
   */
  check(): Promise<void>
  stop(): Promise<void>
}

const PING = 'ping:'

/** LISTEN on the outbox channel, kept alive across database restarts. */
export function listenForOutbox(options: OutboxListenerOptions): OutboxListener {
  // Pings carry a sequence number: one heard before its send returned still counts as heard.
  const prefix = `${PING}${Bun.randomUUIDv7()}:`
  let client: postgres.Sql | undefined
  let sent = 0
  let heard = 0
  let stopped = false

  const subscribe = async () => {
    const fresh = postgres(options.databaseUrl, {
      max: 1,
      onnotice: () => undefined,
      fetch_types: false, // see relay-store.ts: its startup query can crash the process
      connection: { application_name: `careforall-${options.channel}-listener` },
    })
    client = fresh
    heard = sent
    try {
      await fresh.listen(
        options.channel,
        (payload) => {
          if (payload.startsWith(prefix)) heard = Math.max(heard, Number(payload.slice(prefix.length)))
          else if (!payload.startsWith(PING)) options.onWake()
        },
        options.onWake,
      )
    } catch (error) {
      client = undefined
      await fresh.end({ timeout: 0 }).catch(() => undefined)
      throw error
    }
  }

  const teardown = async () => {
    const old = client
    client = undefined
    await old?.end({ timeout: 0 }).catch(() => undefined)
  }

  return {
    check: async () => {
      if (stopped) return
      try {
        if (client && sent > heard) {
          options.logger.warn({ channel: options.channel }, 'outbox listener went deaf; reconnecting')
          await teardown()
        }
        if (!client) await subscribe()
        const next = sent + 1
        await options.notify(options.channel, prefix + next)
        sent = next
      } catch (error) {
        options.logger.warn({ err: error }, 'outbox listener check failed; the sweep carries on')
      }
    },
    stop: async () => {
      stopped = true
      await teardown()
    },
  }
}
