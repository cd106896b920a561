import type { ChatServerFrame } from '@careforall/contracts'

/** A message as stored: `seq` numbers its posting, `deletedSeq` its removal (both per room). */
export interface StoredMessage {
  id: string
  campaignId: string
  seq: number
  userId: string
  userName: string
  message: string
  createdAt: Date
  deletedAt: Date | null
  deletedSeq: number | null
}

/** One numbered entry of a room's history and the frame that tells a client of it. */
export interface Entry {
  seq: number
  frame: ChatServerFrame
}

/**
 * The entries after `afterSeq` that a page of changed messages proves complete: every posting and
 * every removal numbered above `afterSeq`, in order, with no gap. A message posted and removed
 * since shows as a removal at both of its numbers (its text is gone for everyone). When the page
 * was cut at its limit, only the entries up to the last message's first entry are certain to be
 * all there; the rest come with the next page.
 */
export function entriesAfter(rows: StoredMessage[], afterSeq: number, pageWasFull: boolean): Entry[] {
  const entries: Entry[] = []
  let proven = Number.POSITIVE_INFINITY
  if (pageWasFull && rows.length > 0) {
    proven = Math.max(...rows.map((row) => (row.seq > afterSeq ? row.seq : (row.deletedSeq ?? row.seq))))
  }
  for (const row of rows) {
    if (row.seq > afterSeq) {
      entries.push({ seq: row.seq, frame: row.deletedAt ? deletedFrame(row, row.seq) : messageFrame(row) })
    }
    if (row.deletedSeq !== null && row.deletedSeq > afterSeq) {
      entries.push({ seq: row.deletedSeq, frame: deletedFrame(row, row.deletedSeq) })
    }
  }
  return entries.filter((entry) => entry.seq <= proven).sort((a, b) => a.seq - b.seq)
}

export function messageFrame(row: StoredMessage): ChatServerFrame {
  return {
    type: 'message',
    seq: row.seq,
    id: row.id,
    campaignId: row.campaignId,
    userId: row.userId,
    userName: row.userName,
    message: row.message,
    timestamp: row.createdAt.toISOString(),
  }
}

function deletedFrame(row: StoredMessage, seq: number): ChatServerFrame {
  return {
    type: 'deleted',
    seq,
    id: row.id,
    campaignId: row.campaignId,
    timestamp: (row.deletedAt ?? row.createdAt).toISOString(),
  }
}
