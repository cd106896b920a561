import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import { expireHolds } from '../store/payments'
import type { Driver } from './driver'

/**
 * The authorization-expiry sweeper: an AUTHORIZED payment not captured within the provider's hold
 * (AUTH_HOLD_DAYS, 7 by default) is moved to the `void` recovery point and driven: the provider
 * releases the hold, and the payment fails with `authorization_expired` (one payment.failed).
 * Safe on every instance at once (SKIP LOCKED), and resumable like any other provider call.
 */
export function createExpirySweeper(deps: { sql: Sql; driver: Driver; holdDays: number; logger: Logger }) {
  return {
    round: async (): Promise<boolean> => {
      const ids = await expireHolds(deps.sql, deps.holdDays, 100)
      if (ids.length > 0) deps.logger.info({ count: ids.length }, 'voiding expired authorizations')
      await Promise.all(ids.map((id) => deps.driver.kick(id)))
      return ids.length === 100
    },
  }
}
