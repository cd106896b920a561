export { type AxeViolation, axeViolations, launchBrowser, screenshot } from './browser'
export { eventually, PlatformClient } from './client'
export { type ReceivedSpan, startOtlpReceiver } from './otlp'
export { type RunningPlatform, startPlatform } from './platform'
