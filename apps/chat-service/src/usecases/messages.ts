import { Events } from '@careforall/contracts'
import { type Sql, withTransaction } from '@careforall/db'
import { type AuthUser, ForbiddenError, isAdminOr, NotFoundError, UnprocessableError } from '@careforall/http'
import { publish } from '@careforall/messaging'
import { type CampaignOf, roomOf } from '../campaigns'
import type { StoredMessage } from '../domain/entries'
import {
  deleteMute,
  findMessage,
  historyBefore,
  insertMessage,
  type MessageRow,
  markDeleted,
  upsertMute,
} from '../store/messages'

const SOURCE = 'chat-service'

/** A row as the domain reads it: the room's numbers as numbers. */
export function storedOf(row: MessageRow): StoredMessage {
  return { ...row, seq: Number(row.seq), deletedSeq: row.deletedSeq === null ? null : Number(row.deletedSeq) }
}

/**
 * Stores a message with the room's next number and `chat.message` in the outbox, in one
 * transaction: every instance learns of it from the event (fan-out), and a crash cannot leave a
 * message no other instance ever shows.
 */
export function postMessage(
  sql: Sql,
  m: { campaignId: string; userId: string; userName: string; message: string },
): Promise<StoredMessage> {
  return withTransaction(
    sql,
    async (tx) => {
      const id = Bun.randomUUIDv7()
      const [row] = await Promise.all([
        insertMessage(tx, { id, ...m }),
        publish(tx, SOURCE, {
          type: Events.ChatMessage,
          aggregate: 'chat-room',
          aggregateId: m.campaignId,
          subject: m.campaignId,
          data: { messageId: id, campaignId: m.campaignId, userId: m.userId, at: new Date().toISOString() },
        }),
      ])
      return storedOf(row)
    },
    { name: 'chat.post' },
  )
}

/** Only the campaign's owner or an admin moderates its room. */
async function assertModerator(campaignOf: CampaignOf, caller: AuthUser, campaignId: string) {
  const campaign = await roomOf(campaignOf, campaignId)
  if (!isAdminOr(caller, campaign.ownerId)) {
    throw new ForbiddenError("Only the campaign's owner or an admin moderates its chat")
  }
}

/**
 * Removes a message for everyone: a tombstone with the room's next number and
 * `chat.message_deleted`, in one transaction. Removing it again changes nothing.
 */
export async function deleteMessage(
  deps: { sql: Sql; campaignOf: CampaignOf },
  caller: AuthUser,
  campaignId: string,
  messageId: string,
): Promise<{ deleted: StoredMessage | undefined }> {
  await assertModerator(deps.campaignOf, caller, campaignId)
  return withTransaction(deps.sql, async (tx) => {
    const row = await markDeleted(tx, campaignId, messageId, caller.id)
    if (!row) {
      if (!(await findMessage(tx, campaignId, messageId))) {
        throw new NotFoundError('No message with this id in this room')
      }
      return { deleted: undefined }
    }
    await publish(tx, SOURCE, {
      type: Events.ChatMessageDeleted,
      aggregate: 'chat-room',
      aggregateId: campaignId,
      subject: campaignId,
      data: { messageId, campaignId },
    })
    return { deleted: storedOf(row) }
  })
}

/** Mutes a user in a room for `minutes` (a moderator cannot mute themself). */
export async function muteUser(
  deps: { sql: Sql; campaignOf: CampaignOf },
  caller: AuthUser,
  campaignId: string,
  userId: string,
  minutes: number,
): Promise<Date> {
  await assertModerator(deps.campaignOf, caller, campaignId)
  if (userId === caller.id) throw new UnprocessableError('A moderator cannot mute themself')
  const until = new Date(Date.now() + minutes * 60_000)
  await upsertMute(deps.sql, { campaignId, userId, until, by: caller.id })
  return until
}

export async function unmuteUser(
  deps: { sql: Sql; campaignOf: CampaignOf },
  caller: AuthUser,
  campaignId: string,
  userId: string,
): Promise<void> {
  await assertModerator(deps.campaignOf, caller, campaignId)
  if (!(await deleteMute(deps.sql, campaignId, userId)))
    throw new NotFoundError('This user is not muted here')
}

/** A page of a room's history, newest first; removed messages stay as tombstones without text. */
export async function readHistory(
  deps: { sql: Sql; campaignOf: CampaignOf },
  campaignId: string,
  page: { before: number | undefined; limit: number },
): Promise<StoredMessage[]> {
  await roomOf(deps.campaignOf, campaignId)
  return (await historyBefore(deps.sql, campaignId, page.before, page.limit)).map(storedOf)
}
