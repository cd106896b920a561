export { type RunningPlatform, startPlatform } from './platform'
