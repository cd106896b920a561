import { existsSync, writeFileSync } from 'node:fs'
import type { Logger } from '@careforall/logger'
import type { FaultPoint } from './env'

export interface Faults {
  /** Kills the process here if this point is armed: a crash between a provider call and its commit. */
  hit(point: FaultPoint): void
}

/**
 * Fault points for failure tests (`FAULT_POINT=after-authorize-call`, …): the process exits with
 * 137 (as if SIGKILLed) right where it is, with nothing flushed and no transaction committed, so
 * a test can prove that a restart resumes from the recovery point without charging twice.
 */
export function createFaults(armed: FaultPoint | undefined, logger: Logger, onceFile?: string): Faults {
  return {
    hit(point) {
      if (point !== armed) return
      if (onceFile) {
        if (existsSync(onceFile)) return
        writeFileSync(onceFile, `${point} fired at ${new Date().toISOString()}\n`)
      }
      logger.fatal({ faultPoint: point }, 'fault point reached; exiting with 137')
      process.exit(137)
    },
  }
}
