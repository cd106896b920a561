import { type CloudEvent, Events, Exchanges } from '@careforall/contracts'
import type { Logger } from '@careforall/logger'
import { type Broker, subscribeFanout } from '@careforall/messaging'
import type { Hub } from '../rooms/hub'

/**
 * Every instance hears of every change to every room (its own exclusive fan-out queue on
 * `chat.events`, Bun's topics being per process) and delivers what is new to its sockets there;
 * the events carry ids, the text is read from the database. After a reconnect the new queue has
 * missed what came meanwhile, so every room open here reads what is new.
 */
export async function followRooms(deps: { broker: Broker; logger: Logger; hub: Hub }) {
  const subscription = await subscribeFanout({
    broker: deps.broker,
    logger: deps.logger,
    bindings: [{ exchange: Exchanges.chat, routingKeys: [Events.ChatMessage, Events.ChatMessageDeleted] }],
    onEvent: (event: CloudEvent) => {
      const { campaignId } = event.data as { campaignId: string }
      deps.hub.changed(campaignId)
    },
  })
  const afterReconnect = async () => deps.hub.changedEverywhere()
  await deps.broker.addSetup(afterReconnect)
  return {
    stop: async () => {
      deps.broker.removeSetup(afterReconnect)
      await subscription.stop()
    },
  }
}
