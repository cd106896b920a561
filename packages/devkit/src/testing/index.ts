export { describeServiceBasics, type ServiceBasics } from './service-basics'
export { freePort, type RunningService, spawnService, worldEnv } from './spawn'
