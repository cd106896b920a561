export { type Broker, type BrokerOptions, connectBroker, type SetupStep } from './connection'
export { messagingMigrations } from './migrations'
