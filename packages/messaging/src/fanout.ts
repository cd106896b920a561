import { type CloudEvent, parseEvent } from '@careforall/contracts'
import type { Logger } from '@careforall/logger'
import type { Broker } from './connection'
import { inConsumerSpan } from './consumer-span'
import { keepChannel } from './keep-channel'
import { type Binding, declareExchanges } from './topology'

export interface FanoutOptions {
  broker: Broker
  logger: Logger
  bindings: Binding[]
  /** Called for every event in every process; errors are logged, not retried. */
  onEvent(event: CloudEvent): void | Promise<void>
  /** Unacknowledged deliveries at once. Default 100. */
  prefetch?: number
}

export interface FanoutSubscription {
  stop(): Promise<void>
}

/**
 * Instance fan-out: every process gets its own exclusive, auto-delete queue, so every chat
 * instance sees every message and every totals instance hears of every change (to push to its
 * WebSocket or SSE clients). No inbox and no retries: these are notifications about state kept
 * durably elsewhere, the queue dies with the process, and one made after a reconnect has missed
 * what came meanwhile, so listeners reload from their store when it matters. A failing `onEvent`
 * is logged and the delivery acked: there is nobody else to give it to.
 */
export async function subscribeFanout(options: FanoutOptions): Promise<FanoutSubscription> {
  const { logger } = options
  let stopped = false
  const channels = await keepChannel({
    broker: options.broker,
    logger,
    open: async (model) => {
      const channel = await model.createChannel()
      await declareExchanges(channel)
      const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true, durable: false })
      for (const binding of options.bindings) {
        for (const key of binding.routingKeys) await channel.bindQueue(queue, binding.exchange, key)
      }
      await channel.prefetch(options.prefetch ?? 100)
      await channel.consume(queue, (message) => {
        if (!message) return void channel.close().catch(() => undefined)
        if (stopped) return
        inConsumerSpan(`${message.fields.exchange} fanout`, message, {}, async () => {
          await options.onEvent(parseEvent(JSON.parse(message.content.toString())))
        })
          .catch((error) =>
            logger.error({ err: error, messageId: message.properties.messageId }, 'fan-out listener failed'),
          )
          .finally(() => {
            try {
              channel.ack(message)
            } catch {}
          })
      })
      return channel
    },
  })
  return {
    stop: async () => {
      stopped = true
      await channels.close()
    },
  }
}
