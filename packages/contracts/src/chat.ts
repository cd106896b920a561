import { z } from '@hono/zod-openapi'

/** The longest chat message, in characters. */
export const CHAT_MESSAGE_MAX = 2000

/**
 * What a client sends on the chat socket (ARCHITECTURE.md's protocol). `userId` and `userName`
 * may be sent, as the protocol sketch shows, but are ignored: identity comes from the token.
 */
export const ChatClientFrame = z.object({
  message: z.string(),
  userId: z.unknown().optional(),
  userName: z.unknown().optional(),
})
export type ChatClientFrame = z.infer<typeof ChatClientFrame>

/** Why the server refused a frame or a socket. */
export const ChatErrorCode = z.enum([
  'rate_limited',
  'too_long',
  'read_only',
  'not_found',
  'bad_frame',
  'unavailable',
])
export type ChatErrorCode = z.infer<typeof ChatErrorCode>

const base = { campaignId: z.uuid(), timestamp: z.string() }

/** A message, live or from history; `seq` numbers every entry of a room's history without a gap. */
export const ChatMessageFrame = z
  .object({
    type: z.literal('message'),
    seq: z.number().int().positive(),
    id: z.uuid(),
    ...base,
    userId: z.uuid(),
    userName: z.string(),
    message: z.string().openapi({ description: 'Plain text, never HTML: render it as text' }),
  })
  .openapi('ChatMessageFrame')

/** A message removed by a moderator: gone for everyone (its `seq` is that of the removal). */
export const ChatDeletedFrame = z
  .object({ type: z.literal('deleted'), seq: z.number().int().positive(), id: z.uuid(), ...base })
  .openapi('ChatDeletedFrame')

/** Someone joined (their first open tab) or left (their last tab closed). */
export const ChatSystemFrame = z
  .object({
    type: z.literal('system'),
    event: z.enum(['join', 'leave']),
    ...base,
    userId: z.uuid(),
    userName: z.string(),
  })
  .openapi('ChatSystemFrame')

export const ChatErrorFrame = z
  .object({ type: z.literal('error'), code: ChatErrorCode, message: z.string() })
  .openapi('ChatErrorFrame')

export const ChatServerFrame = z.discriminatedUnion('type', [
  ChatMessageFrame,
  ChatDeletedFrame,
  ChatSystemFrame,
  ChatErrorFrame,
])
export type ChatServerFrame = z.infer<typeof ChatServerFrame>
