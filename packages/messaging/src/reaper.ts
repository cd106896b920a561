import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'

export interface MessagingReaperOptions {
  sql: Sql
  logger: Logger
  /** Sent outbox rows older than this are removed (default 7 days); unsent ones never are. */
  outboxRetentionHours?: number
  /**
   * Inbox rows older than this are removed (default 30 days). An event redelivered after that is
   * recognised by the domain instead (state never moves backwards, a capture and a refund count
   * once per payment and refund id), so the inbox only has to outlive RabbitMQ's redeliveries
   * and an operator's dead-letter replays.
   */
  inboxRetentionHours?: number
  intervalMs?: number
  /** Rows removed per statement, so a large backlog never holds long locks. */
  batchSize?: number
}

/**
 * Keeps the outbox and the inbox from growing forever: every `intervalMs` (1 h), removes sent
 * outbox rows and inbox rows past their retention, in batches of `batchSize`, until none is left.
 */
export function startMessagingReaper(options: MessagingReaperOptions) {
  const { sql, logger } = options
  const outboxHours = options.outboxRetentionHours ?? 7 * 24
  const inboxHours = options.inboxRetentionHours ?? 30 * 24
  const batch = options.batchSize ?? 5000

  const drain = async (remove: () => Promise<number>) => {
    let total = 0
    for (;;) {
      const removed = await remove()
      total += removed
      if (removed < batch) return total
    }
  }

  const reap = async () => {
    const outbox = await drain(
      async () =>
        (
          await sql`
            delete from outbox where id in (
              select id from outbox
              where processed_at is not null and processed_at < now() - make_interval(hours => ${outboxHours})
              order by processed_at limit ${batch})`
        ).count,
    )
    const inbox = await drain(
      async () =>
        (
          await sql`
            delete from inbox where (consumer, event_id) in (
              select consumer, event_id from inbox
              where received_at < now() - make_interval(hours => ${inboxHours})
              order by received_at limit ${batch})`
        ).count,
    )
    if (outbox + inbox > 0) logger.info({ outbox, inbox }, 'removed sent outbox and old inbox rows')
    return { outbox, inbox }
  }

  const timer = setInterval(
    () =>
      void reap().catch((error: unknown) =>
        logger.warn({ err: error }, 'messaging reaper failed; retrying later'),
      ),
    options.intervalMs ?? 60 * 60_000,
  )
  timer.unref()
  return { reap, stop: () => clearInterval(timer) }
}
