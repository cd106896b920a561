import { CHAT_MESSAGE_MAX } from '@careforall/contracts'
import { type FormEvent, useCallback, useEffect, useRef, useState } from 'react'
import { type ChatMute, useDeleteMessage, useMuteUser, useUnmuteUser } from '../api/chat'
import type { CampaignStatus } from '../api/types'
import { type ChatMessage, type RoomState, useChatRoom } from '../api/use-chat-room'
import { useAuth } from '../auth/auth'
import { formatDateTime } from './format'
import { Button, ConfirmDialog, Empty, ErrorBox, Loading, SelectInput, TextInput } from './ui'

const MUTE_OPTIONS = [
  { value: '10', label: '10 minutes' },
  { value: '60', label: '1 hour' },
  { value: '1440', label: '1 day' },
  { value: '10080', label: '1 week' },
] as const

const STATE_TEXT: Record<RoomState, string> = {
  connecting: 'Connecting…',
  open: 'Connected',
  reconnecting: 'Connection lost; reconnecting…',
  closed: 'The campaign is completed: its chat is read-only history.',
}

/** A campaign's live chat, with moderation; a draft has no room yet. */
export function CampaignChat({ campaignId, status }: { campaignId: string; status: CampaignStatus }) {
  return (
    <section className="card" aria-labelledby="chat-title">
      <h2 id="chat-title">Live chat</h2>
      {status === 'DRAFT' ? (
        <Empty>The chat opens when the campaign is active.</Empty>
      ) : (
        <ChatRoom key={campaignId} campaignId={campaignId} live={status !== 'COMPLETED'} />
      )}
    </section>
  )
}

function ChatRoom({ campaignId, live }: { campaignId: string; live: boolean }) {
  const me = useAuth().session?.user.id
  const room = useChatRoom(campaignId, { live })
  const remove = useDeleteMessage(campaignId)
  const mute = useMuteUser(campaignId)
  const unmute = useUnmuteUser(campaignId)
  const [text, setText] = useState('')
  const [textError, setTextError] = useState<string | undefined>(undefined)
  const [deleting, setDeleting] = useState<ChatMessage | null>(null)
  const [muting, setMuting] = useState<ChatMessage | null>(null)
  const [minutes, setMinutes] = useState('60')
  const [muted, setMuted] = useState<(ChatMute & { userName: string }) | null>(null)

  const log = useRef<HTMLDivElement>(null)
  const count = room.messages.length
  useEffect(() => {
    if (log.current && count > 0) log.current.scrollTop = log.current.scrollHeight
  }, [count])

  // Stable, so the dialogs keep their focus while the room re-renders.
  const stopDeleting = useCallback(() => {
    setDeleting(null)
    remove.reset()
  }, [remove.reset])
  const stopMuting = useCallback(() => {
    setMuting(null)
    mute.reset()
  }, [mute.reset])

  const onSend = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const message = text.trim()
    if (!message) return setTextError('Write a message first')
    if ([...message].length > CHAT_MESSAGE_MAX) return setTextError(`At most ${CHAT_MESSAGE_MAX} characters`)
    if (!room.send(message)) return setTextError('Not connected: the message is kept; send it again later.')
    setText('')
    setTextError(undefined)
  }

  const { history } = room
  return (
    <>
      <p className="chat-state" role="status">
        {STATE_TEXT[room.state]}
        {room.notice ? ` · ${room.notice}` : null}
      </p>
      {history.hasNextPage ? (
        <Button onClick={() => void history.fetchNextPage()} disabled={history.isFetchingNextPage}>
          {history.isFetchingNextPage ? 'Loading…' : 'Load older messages'}
        </Button>
      ) : null}
      {history.isPending ? (
        <Loading label="Loading messages…" />
      ) : history.isError && count === 0 ? (
        <ErrorBox error={history.error} onRetry={() => void history.refetch()} />
      ) : count === 0 ? (
        <Empty>No messages yet.</Empty>
      ) : (
        // The live region wraps the list: role="log" on the <ol> itself would take away its list semantics.
        <div className="chat-log" role="log" aria-label="Messages" ref={log}>
          <ol>
            {room.messages.map((message) => (
              <li key={message.id}>
                <span className="chat-meta">
                  <strong>{message.userName}</strong>{' '}
                  <time dateTime={message.timestamp}>{formatDateTime(message.timestamp)}</time>
                </span>
                {/* Plain text, never HTML: React escapes it. */}
                <span className="chat-text">{message.message}</span>
                <span className="chat-actions">
                  <Button
                    aria-label={`Delete message from ${message.userName}`}
                    onClick={() => setDeleting(message)}
                  >
                    Delete
                  </Button>
                  {message.userId !== me ? (
                    <Button aria-label={`Mute ${message.userName}`} onClick={() => setMuting(message)}>
                      Mute
                    </Button>
                  ) : null}
                </span>
              </li>
            ))}
          </ol>
        </div>
      )}
      {room.error ? (
        <p className="error" role="alert">
          {room.error.message}
        </p>
      ) : null}
      {muted ? (
        <div className="actions" role="status">
          <span>
            {muted.userName} is muted until {formatDateTime(muted.until)}.
          </span>
          <Button
            disabled={unmute.isPending}
            onClick={() => unmute.mutate(muted.userId, { onSuccess: () => setMuted(null) })}
          >
            Unmute
          </Button>
          {unmute.error ? <ErrorBox error={unmute.error} /> : null}
        </div>
      ) : null}
      {live ? (
        <form className="chat-form" onSubmit={onSend} aria-label="Post to the chat">
          <TextInput
            label="Message"
            name="message"
            value={text}
            maxLength={CHAT_MESSAGE_MAX}
            autoComplete="off"
            error={textError}
            onChange={(event) => setText(event.target.value)}
          />
          <Button type="submit" variant="primary" disabled={room.state !== 'open'}>
            Send
          </Button>
        </form>
      ) : null}
      {deleting ? (
        <ConfirmDialog
          title="Delete this message?"
          confirmLabel="Delete message"
          busy={remove.isPending}
          error={remove.error}
          onCancel={stopDeleting}
          onConfirm={() =>
            remove.mutate(deleting.id, {
              onSuccess: () => {
                room.removed(deleting.id)
                setDeleting(null)
              },
            })
          }
        >
          <p>
            {deleting.userName} wrote: <q className="chat-text">{deleting.message}</q>
          </p>
          <p>It is removed for everyone in the room.</p>
        </ConfirmDialog>
      ) : null}
      {muting ? (
        <ConfirmDialog
          title={`Mute ${muting.userName}?`}
          confirmLabel="Mute"
          busy={mute.isPending}
          error={mute.error}
          onCancel={stopMuting}
          onConfirm={() =>
            mute.mutate(
              { userId: muting.userId, minutes: Number(minutes) },
              {
                onSuccess: (result) => {
                  setMuted({ ...result, userName: muting.userName })
                  setMuting(null)
                },
              },
            )
          }
        >
          <p>They can read the room but not post in it until the mute ends.</p>
          <SelectInput
            label="Mute for"
            value={minutes}
            options={MUTE_OPTIONS}
            onChange={(event) => setMinutes(event.target.value)}
          />
        </ConfirmDialog>
      ) : null}
    </>
  )
}
