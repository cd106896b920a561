import { type ChatErrorCode, ChatServerFrame } from '@careforall/contracts'
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react'
import { chatSocketUrl, useChatHistory } from './chat'
import { refreshSession } from './client'
import { session } from './session'
import type { ChatHistoryItem } from './types'

export type ChatMessage = Omit<ChatHistoryItem, 'deleted'>
export type RoomState = 'connecting' | 'open' | 'reconnecting' | 'closed'

/** The first reconnect waits this long, each next one twice as long, up to RECONNECT_MAX_MS. */
export const RECONNECT_BASE_MS = 500
export const RECONNECT_MAX_MS = 15_000

interface Live {
  messages: Map<string, ChatMessage>
  removed: Set<string>
  notice: string | null
  error: { code: ChatErrorCode; message: string } | null
}

type Action = ChatServerFrame | { type: 'removed'; id: string } | { type: 'sent' }

const nothingYet = (): Live => ({ messages: new Map(), removed: new Set(), notice: null, error: null })

function reduce(live: Live, action: Action): Live {
  switch (action.type) {
    case 'message': {
      if (live.removed.has(action.id)) return live
      const { seq, id, userId, userName, message, timestamp } = action
      return {
        ...live,
        messages: new Map(live.messages).set(id, { seq, id, userId, userName, message, timestamp }),
      }
    }
    case 'deleted':
    case 'removed': {
      const messages = new Map(live.messages)
      messages.delete(action.id)
      return { ...live, messages, removed: new Set(live.removed).add(action.id) }
    }
    case 'system':
      return { ...live, notice: `${action.userName} ${action.event === 'join' ? 'joined' : 'left'} the chat` }
    case 'error':
      return { ...live, error: { code: action.code, message: action.message } }
    case 'sent':
      return live.error ? { ...live, error: null } : live
  }
}

/** A frame from the server, checked against the protocol; anything else is ignored. */
function readFrame(data: unknown): ChatServerFrame | undefined {
  if (typeof data !== 'string') return undefined
  try {
    const parsed = ChatServerFrame.safeParse(JSON.parse(data))
    return parsed.success ? parsed.data : undefined
  } catch {
    return undefined
  }
}

/** A socket cannot refresh its token on a 401, so it asks for a fresh one before connecting. */
async function accessToken(): Promise<string | undefined> {
  const current = session.get()
  if (current && current.expiresAt - Date.now() < 30_000) return (await refreshSession())?.accessToken
  return current?.accessToken
}

/**
 * A campaign's chat room: its history over HTTP, then a socket that starts right after the newest
 * entry of that history (`since`), so nothing falls between the two. Every `message` and `deleted`
 * frame moves the last `seq` seen; after a drop the socket reconnects with it (backing off from
 * RECONNECT_BASE_MS) and the server sends exactly what was missed. With `live` false (a completed
 * campaign, whose socket the server refuses) only the history is read.
 */
export function useChatRoom(campaignId: string, { live: connect }: { live: boolean }) {
  const history = useChatHistory(campaignId, true)
  const [state, setState] = useState<RoomState>(connect ? 'connecting' : 'closed')
  const [live, dispatch] = useReducer(reduce, undefined, nothingYet)
  const socket = useRef<WebSocket | null>(null)
  const lastSeq = useRef<number | undefined>(undefined)
  const newestInHistory = useRef<number | undefined>(undefined)
  newestInHistory.current = history.data?.pages[0]?.items.reduce((max, item) => Math.max(max, item.seq), 0)
  const historySettled = history.isSuccess || history.isError

  useEffect(() => {
    if (!connect || !historySettled) return
    // Without a history (it failed) the server starts from the room's newest entry.
    lastSeq.current ??= newestInHistory.current
    let stopped = false
    let attempt = 0
    let timer: ReturnType<typeof setTimeout> | undefined
    const open = async () => {
      const token = await accessToken()
      if (stopped) return
      const ws = new WebSocket(chatSocketUrl(campaignId, { token, since: lastSeq.current }))
      socket.current = ws
      ws.onopen = () => {
        attempt = 0
        setState('open')
      }
      ws.onmessage = (event: MessageEvent) => {
        const frame = readFrame(event.data)
        if (!frame) return
        if ('seq' in frame) lastSeq.current = Math.max(lastSeq.current ?? 0, frame.seq)
        dispatch(frame)
      }
      ws.onclose = () => {
        if (socket.current === ws) socket.current = null
        if (stopped) return
        setState('reconnecting')
        const delay = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** attempt)
        attempt += 1
        timer = setTimeout(() => void open(), delay)
      }
    }
    void open()
    return () => {
      stopped = true
      clearTimeout(timer)
      socket.current?.close()
      socket.current = null
    }
  }, [campaignId, connect, historySettled])

  /** Sends a message; false when the socket is not open (the caller keeps the text). */
  const send = useCallback((message: string): boolean => {
    const ws = socket.current
    if (!ws || ws.readyState !== WebSocket.OPEN) return false
    ws.send(JSON.stringify({ message }))
    dispatch({ type: 'sent' })
    return true
  }, [])

  /** Hides a message at once after a moderator removed it (a completed room has no socket to say so). */
  const removed = useCallback((id: string) => dispatch({ type: 'removed', id }), [])

  const messages = useMemo(() => {
    const byId = new Map<string, ChatMessage>()
    for (const page of history.data?.pages ?? []) {
      for (const { deleted, ...item } of page.items) if (!deleted) byId.set(item.id, item)
    }
    for (const message of live.messages.values()) byId.set(message.id, message)
    for (const id of live.removed) byId.delete(id)
    return [...byId.values()].sort((a, b) => a.seq - b.seq)
  }, [history.data, live.messages, live.removed])

  // A room that stops being live (its campaign was just completed) reads as closed at once.
  return {
    messages,
    state: connect ? state : 'closed',
    notice: live.notice,
    error: live.error,
    send,
    removed,
    history,
  }
}
