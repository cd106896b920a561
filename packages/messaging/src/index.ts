export {
  type Broker,
  type BrokerOptions,
  connectBroker,
  type DeadLetterDepth,
  type SetupStep,
} from './connection'
export {
  type Consumer,
  type ConsumerOptions,
  type EventHandlers,
  type HandlerContext,
  type SettledDelivery,
  startConsumer,
} from './consumer'
export { type DeadLetter, listDeadLetters, type ReplayOptions, replayDeadLetters } from './dlq'
export { type FanoutOptions, type FanoutSubscription, subscribeFanout } from './fanout'
export { consumedEvents } from './inbox'
export { messagingMigrations } from './migrations'
export { type OutboxEvent, publish } from './outbox'
export { DEPTH_FRESH_MS } from './queue-depth'
export { type MessagingReaperOptions, startMessagingReaper } from './reaper'
export { type OutboxRelay, type OutboxRelayOptions, startOutboxRelay } from './relay'
export { type Binding, declareExchanges, dlqOf } from './topology'
