import type { Sql } from '@careforall/db'
import type { Logger } from '@careforall/logger'
import type { ServerWebSocket } from 'bun'
import { entriesAfter } from '../domain/entries'
import { changedBetween, lastSeq } from '../store/messages'
import { storedOf } from '../usecases/messages'

/** What a chat socket carries from its upgrade. */
export interface SocketData {
  campaignId: string
  /** The signed-in visitor (from the token); none: read only. */
  user: { id: string; name: string } | undefined
  /** The last number the client saw (or the room's last when it connected): it gets what follows. */
  since: number
  /** Serializes this socket's own messages, so they are stored in the order sent. */
  posting?: Promise<void>
}

export type ChatSocket = ServerWebSocket<SocketData>

/** Rows read per query while catching a room or a socket up. */
const PAGE = 500

interface Room {
  campaignId: string
  topic: string
  sockets: Set<ChatSocket>
  /** The last number every live socket here has been sent (undefined until the room is read). */
  deliveredSeq: number | undefined
  /** Sockets waiting to be caught up and made live, in the room's own order of work. */
  joining: ChatSocket[]
  wanted: boolean
  running: Promise<void> | undefined
}

/**
 * The rooms of this instance and their sockets. Every change to a room's history (a message
 * posted or removed, here or on another instance) is announced by an event; the room then reads
 * what is new since the last number it delivered, in order, and publishes each entry to its live
 * sockets (Bun's topics, one per room). A socket joins through the same queue of work: the room
 * first delivers what is new, then the socket gets what it missed (from `since` up to that point)
 * and becomes live. So every socket sees each number once, in order, with no gap, whatever the
 * timing of events, reconnects and instances. A room with no socket left is forgotten.
 */
export function createHub(deps: { sql: Sql; logger: Logger }) {
  const rooms = new Map<string, Room>()
  let server: Bun.Server<SocketData> | undefined

  const send = (ws: ChatSocket, text: string) => {
    if (ws.readyState === WebSocket.OPEN) ws.send(text)
  }

  /** Reads and delivers, page by page, everything the room has not delivered yet. */
  const catchUp = async (room: Room) => {
    if (room.deliveredSeq === undefined) {
      room.deliveredSeq = await lastSeq(deps.sql, room.campaignId)
      return
    }
    for (;;) {
      const after: number = room.deliveredSeq
      const rows = await changedBetween(deps.sql, room.campaignId, after, Number.MAX_SAFE_INTEGER, PAGE)
      const entries = entriesAfter(rows.map(storedOf), after, rows.length === PAGE)
      for (const entry of entries) server?.publish(room.topic, JSON.stringify(entry.frame))
      if (entries.length > 0) room.deliveredSeq = entries.at(-1)!.seq
      if (rows.length < PAGE) return
    }
  }

  /** Sends a joining socket what it missed since `since`, up to what the room has delivered, then makes it live. */
  const admit = async (room: Room, ws: ChatSocket) => {
    const upTo = room.deliveredSeq ?? 0
    let after = Math.min(ws.data.since, upTo)
    while (after < upTo && ws.readyState === WebSocket.OPEN) {
      const rows = await changedBetween(deps.sql, room.campaignId, after, upTo, PAGE)
      const entries = entriesAfter(rows.map(storedOf), after, rows.length === PAGE)
      for (const entry of entries) send(ws, JSON.stringify(entry.frame))
      if (entries.length === 0) break
      after = entries.at(-1)!.seq
    }
    // Synchronously after the last missed entry: no delivery can come in between.
    if (ws.readyState === WebSocket.OPEN && room.sockets.has(ws)) ws.subscribe(room.topic)
  }

  const run = (room: Room) => {
    if (room.running) return
    room.running = (async () => {
      while (room.wanted || room.joining.length > 0) {
        room.wanted = false
        try {
          await catchUp(room)
          for (const ws of room.joining.splice(0)) await admit(room, ws)
        } catch (error) {
          deps.logger.warn({ err: error, campaignId: room.campaignId }, 'cannot read the room; retrying')
          room.wanted = true
          await Bun.sleep(500)
        }
        if (room.sockets.size === 0) return
      }
    })().finally(() => {
      room.running = undefined
      if (room.sockets.size === 0) rooms.delete(room.campaignId)
      else if (room.wanted || room.joining.length > 0) run(room)
    })
  }

  return {
    /** The server sockets are published through (set at the first upgrade). */
    attach(bunServer: Bun.Server<SocketData>) {
      server ??= bunServer
    },
    /** Something changed in a room's history: deliver it to this instance's sockets there. */
    changed(campaignId: string) {
      const room = rooms.get(campaignId)
      if (!room) return
      room.wanted = true
      run(room)
    },
    /** Every room here reads what is new (the fan-out queue was recreated and may have missed some). */
    changedEverywhere() {
      for (const room of rooms.values()) {
        room.wanted = true
        run(room)
      }
    },
    join(ws: ChatSocket) {
      const { campaignId } = ws.data
      let room = rooms.get(campaignId)
      if (!room) {
        room = {
          campaignId,
          topic: `room:${campaignId}`,
          sockets: new Set(),
          deliveredSeq: undefined,
          joining: [],
          wanted: true,
          running: undefined,
        }
        rooms.set(campaignId, room)
      }
      room.sockets.add(ws)
      room.joining.push(ws)
      run(room)
    },
    leave(ws: ChatSocket) {
      const room = rooms.get(ws.data.campaignId)
      if (!room) return
      room.sockets.delete(ws)
      room.joining = room.joining.filter((other) => other !== ws)
      if (room.sockets.size === 0 && !room.running) rooms.delete(room.campaignId)
    },
    /** Sends one frame to every socket of a room on this instance (presence's join and leave). */
    broadcast(campaignId: string, frame: unknown) {
      const room = rooms.get(campaignId)
      if (room) server?.publish(room.topic, JSON.stringify(frame))
    },
    /** Open rooms and sockets here, for tests and metrics. */
    size() {
      let sockets = 0
      for (const room of rooms.values()) sockets += room.sockets.size
      return { rooms: rooms.size, sockets }
    },
  }
}

export type Hub = ReturnType<typeof createHub>
