export * from './common'
export * from './events/catalog'
export * from './events/envelope'
export * from './problem'
