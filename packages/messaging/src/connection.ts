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
  /**
   * Adds a setup step: it runs now if connected, and again after every reconnect, so exchanges,
   * queues and consumers come back by themselves after a broker restart.
   */
  addSetup(step: SetupStep): Promise<void>
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
  let current: ChannelModel | undefined
  const url = new URL(options.url)
  if (!url.searchParams.has('heartbeat')) url.searchParams.set('heartbeat', '10')
  const connection = await amqp.connect(url.toString(), {
    clientProperties: { connection_name: options.name },
    recovery: {
      waitForConnect: false,
      initialDelay: 200,
      maxDelay: 5000,
      maxRetries: Number.POSITIVE_INFINITY,
      setup: async (model: ChannelModel) => {
        for (const step of steps) await step(model)
      },
    },
  })
  connection.on('connect', (model: ChannelModel) => {
    current = model
    options.logger.info('connected to rabbitmq')
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
    addSetup: async (step) => {
      steps.push(step)
      if (current) await step(current)
    },
    close: async () => {
      if (closed) return
      closed = true
      current = undefined
      await connection.close().catch(() => undefined)
    },
  }
}
