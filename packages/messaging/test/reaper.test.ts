import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { startMessagingReaper } from '../src/reaper'
import { createMessagingWorld, emit, type MessagingWorld } from './support/world'

let world: MessagingWorld

beforeAll(async () => {
  world = await createMessagingWorld()
}, 30_000)
afterAll(async () => {
  await world?.cleanup()
}, 30_000)

describe('the messaging reaper', () => {
  it('removes sent outbox rows and inbox rows past their retention, never an unsent row', async () => {
    const sql = world.producer
    const [oldSent, oldUnsent, recentSent, ...backlog] = await emit(sql, 3 + 12)
    await sql`update outbox set processed_at = now() - interval '8 days' where id = ${oldSent!}`
    await sql`update outbox set created_at = now() - interval '9 days' where id = ${oldUnsent!}`
    await sql`update outbox set processed_at = now() - interval '1 hour' where id = ${recentSent!}`
    // More old sent rows than one batch holds: the reaper goes on until none is left.
    await sql`update outbox set processed_at = now() - interval '10 days' where id in ${sql(backlog)}`
    await sql`
      insert into inbox (consumer, event_id, type, received_at) values
        ('c', 'old', 'payment.captured', now() - interval '31 days'),
        ('c', 'recent', 'payment.captured', now() - interval '29 days')`

    const reaper = startMessagingReaper({ sql, logger: world.logger, batchSize: 5 })
    try {
      expect(await reaper.reap()).toEqual({ outbox: 13, inbox: 1 })
      const left = await sql<{ id: string }[]>`select id from outbox order by id`
      expect(new Set(left.map((row) => row.id))).toEqual(new Set([oldUnsent!, recentSent!]))
      const inbox = await sql<{ eventId: string }[]>`select event_id from inbox`
      expect(inbox.map((row) => row.eventId)).toEqual(['recent'])
      expect(await reaper.reap()).toEqual({ outbox: 0, inbox: 0 })
    } finally {
      reaper.stop()
    }
  })
})
