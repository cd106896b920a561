export { eventually, PlatformClient } from './client'
export { type RunningPlatform, startPlatform } from './platform'
