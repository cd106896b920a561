import type { Logger } from '@careforall/logger'
import type { ChannelModel, RecoveringChannelModel } from 'amqplib'
import amqp from 'amqplib'

/** Declares topology or starts consumers on a fresh connection; re-run after every reconnect. */
export type SetupStep = (model: ChannelModel) => Promise<void>

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
  close(): Promise<void>
}

export interface BrokerOptions {
  url: string
  logger: Logger
  /** Shown in the RabbitMQ management UI as the connection name. */
  name: string
}

/**
 * Connects to RabbitMQ with amqplib's own recovery (exponential backoff with jitter, forever).
 * Does not wait for the broker: a service starts, answers `/ready` with 503 naming `rabbitmq`,
 * and sets up its topology and consumers once the broker is there.
 */
export async function connectBroker(options: BrokerOptions): Promise<Broker> {
  const steps: SetupStep[] = []
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
  const connection = await amqp.connect(url.toString(), {
    clientProperties: { connection_name: options.name },
    recovery: {
      waitForConnect: false,
      initialDelay: 200,
      maxDelay: 5000,
      maxRetries: Number.POSITIVE_INFINITY,
      setup: runSteps,
    },
  })
  connection.on('connect', (model: ChannelModel) => {
    current = model
    options.logger.info('connected to rabbitmq')
    runSteps(model).catch((error: Error) =>
      options.logger.error({ err: error }, 'rabbitmq setup step failed'),
    )
  })
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
    close: async () => {
      if (closed) return
      closed = true
      current = undefined
      await connection.close().catch(() => undefined)
    },
  }
}
