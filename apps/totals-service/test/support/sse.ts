/** One block of a `text/event-stream`: an event (data, with its name and id) or a comment line. */
export interface SseMessage {
  event?: string
  id?: string
  data?: string
  retry?: number
  comment?: string
}

export interface SseClient {
  res: Response
  /** The next block that is an event or a comment (a bare `retry:` is skipped). */
  next(timeoutMs?: number): Promise<SseMessage>
  /** The next `data` event, its body parsed. */
  nextEvent<T = Record<string, unknown>>(timeoutMs?: number): Promise<{ id: string | undefined; body: T }>
  /** Whether nothing but comments arrives within `ms`. */
  quietFor(ms: number): Promise<boolean>
  close(): void
}

function parse(block: string): SseMessage {
  const message: SseMessage = {}
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim()
    const match = /^(event|id|data|retry): ?(.*)$/.exec(line)
    if (!match) continue
    const [, field, value = ''] = match
    if (field === 'data') message.data = message.data === undefined ? value : `${message.data}\n${value}`
    else if (field === 'retry') message.retry = Number(value)
    else message[field as 'event' | 'id'] = value
  }
  return message
}

/** Opens an event stream with fetch and reads it block by block, as a browser's EventSource would. */
export async function openSse(url: string, headers: Record<string, string> = {}): Promise<SseClient> {
  const controller = new AbortController()
  const res = await fetch(url, {
    headers: { accept: 'text/event-stream', ...headers },
    signal: controller.signal,
  })
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  let buffer = ''
  const blocks: SseMessage[] = []
  let reading: Promise<boolean> | undefined
  const pull = () => {
    reading ??= reader.read().then(({ done, value }) => {
      reading = undefined
      if (done) return false
      buffer += decoder.decode(value, { stream: true })
      for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
        const message = parse(buffer.slice(0, end))
        buffer = buffer.slice(end + 2)
        if (message.data !== undefined || message.comment !== undefined) blocks.push(message)
      }
      return true
    })
    return reading
  }
  const next = async (timeoutMs = 5000): Promise<SseMessage> => {
    const deadline = Date.now() + timeoutMs
    while (blocks.length === 0) {
      const left = deadline - Date.now()
      if (left <= 0) throw new Error(`no event within ${timeoutMs} ms`)
      const more = await Promise.race([pull(), Bun.sleep(left).then(() => true)])
      if (!more) throw new Error('the stream ended')
    }
    return blocks.shift()!
  }
  return {
    res,
    next,
    nextEvent: async <T>(timeoutMs = 5000) => {
      const deadline = Date.now() + timeoutMs
      for (;;) {
        const message = await next(Math.max(1, deadline - Date.now()))
        if (message.data !== undefined) return { id: message.id, body: JSON.parse(message.data) as T }
      }
    },
    quietFor: async (ms) => {
      const deadline = Date.now() + ms
      for (;;) {
        const left = deadline - Date.now()
        if (left <= 0) return true
        try {
          if ((await next(left)).data !== undefined) return false
        } catch {
          return true
        }
      }
    },
    close: () => controller.abort(),
  }
}
