import type { Logger } from '@careforall/logger'
import { shutdownTelemetry } from '@careforall/otel'
import type { Hono } from 'hono'
import { readinessOf, startDraining } from './ops'
import { startUnreadyWatchdog } from './watchdog'

export interface ServeOptions {
  // biome-ignore lint/suspicious/noExplicitAny: any Hono app, whatever its env and schema
  app: Hono<any, any, any>
  port: number
  hostname?: string
  logger: Logger
  /** Run in order after the server stops accepting: stop consumers, flush the relay, close pools. */
  onShutdown?: (() => Promise<unknown>)[]
  /** How long in-flight requests (SSE included) get before they are cut, on shutdown. */
  drainMs?: number
  // biome-ignore lint/suspicious/noExplicitAny: Bun's websocket handler is generic
  websocket?: any
  /**
   * Exit non-zero when a dependency `/ready` checks (database, broker, Redis) stays down this
   * long, so the supervisor restarts the process (`UNREADY_EXIT_AFTER_MS`; 0 or unset: never).
   * Not for the gateway, whose readiness is its upstreams'.
   */
  exitWhenUnreadyMs?: number
}

export interface RunningServer {
  server: Bun.Server<unknown>
  shutdown(reason?: string): Promise<void>
}

/**
 * Starts `Bun.serve` and shuts down gracefully on SIGTERM/SIGINT: `/ready` turns 503, the listener
 * closes, in-flight requests finish (up to `drainMs`), then the shutdown hooks run and telemetry
 * is flushed before the process exits.
 */
export function serve(options: ServeOptions): RunningServer {
  const server = Bun.serve({
    port: options.port,
    hostname: options.hostname ?? '0.0.0.0',
    fetch: options.app.fetch,
    idleTimeout: 60,
    ...(options.websocket ? { websocket: options.websocket } : {}),
  })
  options.logger.info({ port: server.port }, 'listening')
  const watchdog = startUnreadyWatchdog({
    checks: readinessOf(options.app) ?? {},
    exitAfterMs: options.exitWhenUnreadyMs ?? 0,
    logger: options.logger,
  })
  let stopping: Promise<void> | undefined
  const shutdown = (reason = 'shutdown') => {
    stopping ??= (async () => {
      options.logger.info({ reason }, 'shutting down')
      watchdog.stop()
      startDraining()
      const drained = server.stop(false)
      const timeout = Bun.sleep(options.drainMs ?? 10_000).then(() => server.stop(true))
      await Promise.race([drained, timeout])
      for (const hook of options.onShutdown ?? []) {
        await hook().catch((error: unknown) => options.logger.error({ err: error }, 'shutdown step failed'))
      }
      await shutdownTelemetry()
      options.logger.info('stopped')
    })()
    return stopping
  }
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    process.once(signal, () => {
      void shutdown(signal).finally(() => process.exit(0))
    })
  }
  return { server, shutdown }
}
