import type { Queryable } from '@careforall/db'

export interface MessageRow {
  id: string
  campaignId: string
  seq: string
  userId: string
  userName: string
  message: string
  createdAt: Date
  deletedAt: Date | null
  deletedSeq: string | null
}

/**
 * Stores a message with the room's next sequence number. The room row is taken (and created on
 * the first message) in the same statement and stays locked until commit, so two messages of one
 * room commit in the order of their numbers and the sequence has no gap.
 */
export async function insertMessage(
  sql: Queryable,
  m: { id: string; campaignId: string; userId: string; userName: string; message: string },
): Promise<MessageRow> {
  const [row] = await sql<MessageRow[]>`
    with room as (
      insert into rooms (campaign_id, last_seq) values (${m.campaignId}, 1)
      on conflict (campaign_id) do update set last_seq = rooms.last_seq + 1
      returning last_seq
    )
    insert into messages (id, campaign_id, seq, user_id, user_name, message)
    select ${m.id}, ${m.campaignId}, last_seq, ${m.userId}, ${m.userName}, ${m.message} from room
    returning *`
  return row!
}

/**
 * Tombstones a message (its removal takes the room's next number); undefined when there is no
 * such message in the room, or it was removed already (a second removal changes nothing).
 */
export async function markDeleted(
  sql: Queryable,
  campaignId: string,
  messageId: string,
  by: string,
): Promise<MessageRow | undefined> {
  const [row] = await sql<MessageRow[]>`
    with target as (
      select id from messages
      where campaign_id = ${campaignId} and id = ${messageId} and deleted_at is null
      for update
    ), room as (
      update rooms set last_seq = last_seq + 1
      where campaign_id = ${campaignId} and exists (select 1 from target)
      returning last_seq
    )
    update messages set deleted_at = now(), deleted_by = ${by}, deleted_seq = (select last_seq from room)
    where id in (select id from target)
    returning *`
  return row
}

export async function findMessage(
  sql: Queryable,
  campaignId: string,
  id: string,
): Promise<MessageRow | undefined> {
  const [row] = await sql<
    MessageRow[]
  >`select * from messages where campaign_id = ${campaignId} and id = ${id}`
  return row
}

/** The room's last number (0 for a room with no history). */
export async function lastSeq(sql: Queryable, campaignId: string): Promise<number> {
  const [row] = await sql<{ lastSeq: string }[]>`select last_seq from rooms where campaign_id = ${campaignId}`
  return row ? Number(row.lastSeq) : 0
}

/** Messages posted or removed after `afterSeq` and up to `upToSeq`, at most `limit`, oldest first. */
export function changedBetween(
  sql: Queryable,
  campaignId: string,
  afterSeq: number,
  upToSeq: number,
  limit: number,
): Promise<MessageRow[]> {
  return sql<MessageRow[]>`
    select * from messages
    where campaign_id = ${campaignId}
      and ((seq > ${afterSeq} and seq <= ${upToSeq}) or (deleted_seq > ${afterSeq} and deleted_seq <= ${upToSeq}))
    order by least(case when seq > ${afterSeq} then seq end, deleted_seq)
    limit ${limit}`
}

/** A page of history, newest first, before `beforeSeq` (keyset on the room's numbers). */
export function historyBefore(
  sql: Queryable,
  campaignId: string,
  beforeSeq: number | undefined,
  limit: number,
): Promise<MessageRow[]> {
  return sql<MessageRow[]>`
    select * from messages
    where campaign_id = ${campaignId} ${beforeSeq === undefined ? sql`` : sql`and seq < ${beforeSeq}`}
    order by seq desc
    limit ${limit}`
}

/** Mutes a user in a room until `until` (a later mute replaces an earlier one). */
export async function upsertMute(
  sql: Queryable,
  m: { campaignId: string; userId: string; until: Date; by: string },
): Promise<void> {
  await sql`
    insert into mutes (campaign_id, user_id, until, muted_by) values (${m.campaignId}, ${m.userId}, ${m.until}, ${m.by})
    on conflict (campaign_id, user_id) do update set until = excluded.until, muted_by = excluded.muted_by, created_at = now()`
}

export async function deleteMute(sql: Queryable, campaignId: string, userId: string): Promise<boolean> {
  const rows =
    await sql`delete from mutes where campaign_id = ${campaignId} and user_id = ${userId} returning 1`
  return rows.length > 0
}

/** When a user's mute in a room ends, if it has not ended yet. */
export async function mutedUntil(
  sql: Queryable,
  campaignId: string,
  userId: string,
): Promise<Date | undefined> {
  const [row] = await sql<{ until: Date }[]>`
    select until from mutes where campaign_id = ${campaignId} and user_id = ${userId} and until > now()`
  return row?.until
}
