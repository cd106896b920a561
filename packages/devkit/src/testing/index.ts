export { inheritedEnv } from '../env'
export { startTestAuth, TEST_PASSWORD, type TestAuth, type TestSession } from './auth'
export { describeServiceBasics, type ServiceBasics } from './service-basics'
export {
  freePort,
  type RunningService,
  type SpawnedProcess,
  spawnBun,
  spawnService,
  waitUntilAnswers,
  worldEnv,
} from './spawn'
