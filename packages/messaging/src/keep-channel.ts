import type { Logger } from '@careforall/logger'
import type { Channel, ChannelModel } from 'amqplib'
import type { Broker, SetupStep } from './connection'

export interface KeptChannel<C extends Channel> {
  /** The open channel, or undefined while the broker is away. */
  current(): C | undefined
  /** Stops reopening it and closes it. */
  close(): Promise<void>
}

export interface KeepChannelOptions<C extends Channel> {
  broker: Broker
  logger: Logger
  /** Opens and prepares the channel (declare, consume…) on a fresh connection. */
  open(model: ChannelModel): Promise<C>
  /** Called with each channel once it is ready, e.g. to wake the relay. */
  onOpen?(channel: C): void
}

/** How long to wait before reopening a channel the broker closed on a live connection. */
const REOPEN_DELAY_MS = 1000

/**
 * A channel that comes back by itself. After a lost connection the broker's setup step reopens
 * it; a channel the broker closes while the connection lives on (a 404 or 406, a consumer
 * timeout) is reopened here after a pause, so a consumer never silently stops consuming.
 */
export async function keepChannel<C extends Channel>(
  options: KeepChannelOptions<C>,
): Promise<KeptChannel<C>> {
  let channel: C | undefined
  let stopped = false
  const step: SetupStep = async (model) => {
    if (stopped) return
    const opened = await options.open(model)
    opened.on('error', (error: Error) => options.logger.warn({ err: error }, 'rabbitmq channel error'))
    opened.on('close', () => {
      if (channel === opened) channel = undefined
      if (stopped) return
      setTimeout(() => {
        if (stopped || channel || options.broker.model() !== model) return
        step(model).catch((error: Error) => options.logger.error({ err: error }, 'could not reopen channel'))
      }, REOPEN_DELAY_MS)
    })
    if (stopped) {
      await opened.close().catch(() => undefined)
      return
    }
    channel = opened
    options.onOpen?.(opened)
  }
  await options.broker.addSetup(step)
  return {
    current: () => channel,
    close: async () => {
      stopped = true
      options.broker.removeSetup(step)
      const open = channel
      channel = undefined
      await open?.close().catch(() => undefined)
    },
  }
}
