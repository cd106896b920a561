import { CHAT_MESSAGE_MAX, ChatClientFrame, type ChatErrorCode } from '@careforall/contracts'

export type ClientMessage = { ok: true; text: string } | { ok: false; code: ChatErrorCode; message: string }

/**
 * Reads one frame a client sent: JSON `{ "message": "…" }`, 1 to 2,000 characters of text (any
 * `userId` or `userName` beside it is ignored: identity comes from the token). Anything else is
 * refused with the code the error frame carries; nothing a client sends can throw.
 */
export function readClientFrame(raw: string | Uint8Array): ClientMessage {
  if (typeof raw !== 'string') return bad('Frames are JSON text, not binary')
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch {
    return bad('The frame is not valid JSON')
  }
  const parsed = ChatClientFrame.safeParse(value)
  if (!parsed.success) return bad('Send {"message": "your text"}')
  const text = parsed.data.message.trim()
  if (text.length === 0) return bad('The message is empty')
  // PostgreSQL text cannot hold NUL; other control characters are kept as sent.
  if (text.includes('\u0000')) return bad('The message contains a NUL character')
  if ([...text].length > CHAT_MESSAGE_MAX) {
    return { ok: false, code: 'too_long', message: `A message has at most ${CHAT_MESSAGE_MAX} characters` }
  }
  return { ok: true, text }
}

function bad(message: string): ClientMessage {
  return { ok: false, code: 'bad_frame', message }
}
