import type { Logger } from '@careforall/logger'
import type { Channel, ChannelModel, RecoveringChannelModel } from 'amqplib'
import amqp from 'amqplib'
import { withTimeout } from './timeout'

/** Declares topology or starts consumers on a fresh connection; re-run after every reconnect. */
export type SetupStep = (model: ChannelModel) => Promise<void>

/** How many messages one dead-letter queue holds; undefined when the broker did not say within `timeoutMs`. */
export type DeadLetterDepth = (timeoutMs: number) => Promise<number | undefined>

/** How long `deadLetterDepths()` waits by default: `/ready` must stay fast whatever the broker does. */
const DEAD_LETTER_TIMEOUT_MS = 500

export interface Broker {
  /** The recovering connection: channel calls wait for a connection while the broker is away. */
  readonly connection: RecoveringChannelModel
  /** True while a connection to the broker is open (for `/ready`). */
  isConnected(): boolean
  /** The open connection, if any: a channel kept by a step checks it is still the live one. */
  model(): ChannelModel | undefined
  /**
   * Adds a setup step: it runs now if connected, and again after every reconnect, so exchanges,
   * queues and consumers come back by themselves after a broker restart. If it fails on a live
   * connection (say, a queue declared with other arguments) it is dropped and the error thrown, so
   * a misconfigured consumer stops the start instead of breaking every later reconnect.
   */
  addSetup(step: SetupStep): Promise<void>
  /** Forgets a step (a stopped consumer must not come back at the next reconnect). */
  removeSetup(step: SetupStep): void
  /**
   * Registers a consumer's dead-letter queue for `deadLetterDepths()` (`startConsumer` does);
   * returns what forgets it again (the consumer stopped).
   */
  watchDeadLetters(dlq: string, depth: DeadLetterDepth): () => void
  /**
   * What each dead-letter queue of this connection's consumers holds, `{ '<queue>.dlq': 2 }`, for
   * `/ready` and the gateway's `/api/status`; `{}` without consumers. Waits at most `timeoutMs`
   * (default 500): a queue the broker does not report in time, or at all (disconnected, an
   * error), is left out. Never throws.
   */
  deadLetterDepths(timeoutMs?: number): Promise<Record<string, number>>
  close(): Promise<void>
}

export interface BrokerOptions {
  url: string
  logger: Logger
  /** Shown in the RabbitMQ management UI as the connection name. */
  name: string
  /** How long a connection attempt (TCP and AMQP handshake) may take before it is retried. */
  connectTimeoutMs?: number
  /** How long the setup steps of a fresh connection may take before it is dropped and retried. */
  setupTimeoutMs?: number
  /** How often an open connection is asked for a round trip, proving it still carries frames. */
  probeIntervalMs?: number
}

/**
 * The bounds that keep recovery from waiting forever. amqplib's recovery retries only attempts
 * that fail: one that never settles (a handshake the broker never answers, a setup step on a
 * wedged socket) would stop it for good, the service answering HTTP with no broker behind it.
 */
const CONNECT_TIMEOUT_MS = 10_000
const SETUP_TIMEOUT_MS = 30_000
const PROBE_INTERVAL_MS = 5000

/**
 * Drops a connection's socket with an error, the one way amqplib is sure to notice: it closes the
 * connection, rejects what waits on it, and its recovery reconnects. A socket that is only closed
 * (no `end`, no `error`) would go unnoticed until heartbeats time out.
 */
function dropSocket(model: ChannelModel, reason: string): void {
  const { stream } = (model as unknown as { connection: { stream: { destroy(error: Error): void } } })
    .connection
  stream.destroy(new Error(reason))
}

/** Rejects after `ms`, dropping the connection's socket first so nothing is left waiting on it. */
async function boundedOn<T>(model: ChannelModel, ms: number, what: string, work: Promise<T>): Promise<T> {
  let timer: Timer | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const reason = `rabbitmq ${what} took more than ${ms} ms`
      dropSocket(model, reason)
      reject(new Error(reason))
    }, ms)
  })
  try {
    return await Promise.race([work, timeout])
  } finally {
    clearTimeout(timer)
  }
}

/**
 * Connects to RabbitMQ with amqplib's own recovery (exponential backoff with jitter, forever).
 * Does not wait for the broker: a service starts, answers `/ready` with 503 naming `rabbitmq`,
 * and sets up its topology and consumers once the broker is there.
 */
export async function connectBroker(options: BrokerOptions): Promise<Broker> {
  const steps: SetupStep[] = []
  const deadLetters = new Map<DeadLetterDepth, string>()
  // Steps that already ran on the connection being set up: one added between the end of the
  // recovery's setup and the `connect` event would otherwise wait for the next reconnect.
  const ranOn = new WeakMap<ChannelModel, Set<SetupStep>>()
  let current: ChannelModel | undefined
  const url = new URL(options.url)
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', '10')
  const runSteps = async (model: ChannelModel) => {
    const ran = ranOn.get(model) ?? new Set<SetupStep>()
    ranOn.set(model, ran)
    for (let index = 0; index < steps.length; index++) {
      const step = steps[index]!
      if (ran.has(step)) continue
      ran.add(step)
      await step(model)
    }
  }
  const setupTimeoutMs = options.setupTimeoutMs ?? SETUP_TIMEOUT_MS
  const connection = await amqp.connect(url.toString(), {
    clientProperties: { connection_name: options.name },
    // Covers the TCP connect and the AMQP handshake; amqplib clears it once the connection is open.
    timeout: options.connectTimeoutMs ?? CONNECT_TIMEOUT_MS,
    recovery: {
      waitForConnect: false,
      initialDelay: 200,
      maxDelay: 2000,
      maxRetries: Number.POSITIVE_INFINITY,
      setup: (model: ChannelModel) => boundedOn(model, setupTimeoutMs, 'setup', runSteps(model)),
    },
  })
  connection.on('connect', (model: ChannelModel) => {
    current = model
    options.logger.info('connected to rabbitmq')
    runSteps(model).catch((error: Error) =>
      options.logger.error({ err: error }, 'rabbitmq setup step failed'),
    )
    probeWhileCurrent(model)
  })
  // Heartbeats prove only that the broker's frames reach us: amqplib counts a frame as sent once it
  // is queued, so a send path that stopped moving would never send a heartbeat nor notice. A round
  // trip every few seconds proves both ways; one that does not come back drops the connection.
  const probeIntervalMs = options.probeIntervalMs ?? PROBE_INTERVAL_MS
  const probeWhileCurrent = (model: ChannelModel) => {
    let channel: Channel | undefined
    let busy = false
    const timer = setInterval(async () => {
      if (current !== model) return clearInterval(timer)
      if (busy) return
      busy = true
      try {
        await boundedOn(
          model,
          2 * probeIntervalMs,
          'round trip',
          (async () => {
            channel ??= await model.createChannel()
            await channel.checkExchange('amq.direct')
          })(),
        )
      } catch (error) {
        channel = undefined
        if (current === model) options.logger.warn({ err: error }, 'rabbitmq round trip failed')
      } finally {
        busy = false
      }
    }, probeIntervalMs)
  }
  connection.on('disconnect', (error: Error) => {
    current = undefined
    options.logger.warn({ err: error }, 'disconnected from rabbitmq; reconnecting')
  })
  connection.on('connect-failed', (error: Error) => {
    options.logger.warn({ err: { message: error.message } }, 'rabbitmq connection attempt failed')
  })
  connection.on('error', (error: Error) => options.logger.error({ err: error }, 'rabbitmq connection error'))
  let closed = false
  return {
    connection,
    isConnected: () => current !== undefined,
    model: () => current,
    addSetup: async (step) => {
      steps.push(step)
      const model = current
      if (!model) return
      const ran = ranOn.get(model) ?? new Set<SetupStep>()
      ranOn.set(model, ran)
      if (ran.has(step)) return
      ran.add(step)
      try {
        await step(model)
      } catch (error) {
        // The connection dropped meanwhile: the step runs again after the reconnect.
        if (current !== model) return
        steps.splice(steps.indexOf(step), 1)
        throw error
      }
    },
    removeSetup: (step) => {
      const index = steps.indexOf(step)
      if (index >= 0) steps.splice(index, 1)
    },
    watchDeadLetters: (dlq, depth) => {
      deadLetters.set(depth, dlq)
      return () => void deadLetters.delete(depth)
    },
    deadLetterDepths: async (timeoutMs = DEAD_LETTER_TIMEOUT_MS) => {
      const read = await Promise.all(
        [...deadLetters].map(
          async ([depth, dlq]) =>
            [dlq, await withTimeout(depth(timeoutMs), timeoutMs).catch(() => undefined)] as const,
        ),
      )
      return Object.fromEntries(read.filter((entry): entry is [string, number] => entry[1] !== undefined))
    },
    close: async () => {
      if (closed) return
      closed = true
      current = undefined
      await connection.close().catch(() => undefined)
    },
  }
}
