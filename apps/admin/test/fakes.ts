/*
 * Stand-ins for the browser's EventSource and WebSocket, so page tests never touch the network:
 * each records its instances, and the test plays the server (open, push events or frames, drop).
 */

type Handler = ((event: Event) => void) | null

export class FakeEventSource {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSED = 2
  static instances: FakeEventSource[] = []

  readonly url: string
  readyState = FakeEventSource.CONNECTING
  onopen: Handler = null
  onerror: Handler = null
  onmessage: Handler = null
  private readonly listeners = new Map<string, Set<(event: Event) => void>>()

  constructor(url: string | URL) {
    this.url = String(url)
    FakeEventSource.instances.push(this)
  }

  addEventListener(type: string, listener: (event: Event) => void) {
    if (!this.listeners.has(type)) this.listeners.set(type, new Set())
    this.listeners.get(type)!.add(listener)
  }

  removeEventListener(type: string, listener: (event: Event) => void) {
    this.listeners.get(type)?.delete(listener)
  }

  close() {
    this.readyState = FakeEventSource.CLOSED
  }

  /** The server answered: the stream is open. */
  open() {
    this.readyState = FakeEventSource.OPEN
    this.onopen?.(new Event('open'))
  }

  /** The server sent `event: <type>` with `data` (JSON unless a string). */
  emit(type: string, data: unknown, id = '') {
    const event = new MessageEvent(type, {
      data: typeof data === 'string' ? data : JSON.stringify(data),
      lastEventId: id,
    })
    for (const listener of this.listeners.get(type) ?? []) listener(event)
    if (type === 'message') this.onmessage?.(event)
  }

  /** The connection broke; EventSource retries unless `closed`. */
  fail({ closed = false } = {}) {
    this.readyState = closed ? FakeEventSource.CLOSED : FakeEventSource.CONNECTING
    this.onerror?.(new Event('error'))
  }
}

export class FakeWebSocket {
  static readonly CONNECTING = 0
  static readonly OPEN = 1
  static readonly CLOSING = 2
  static readonly CLOSED = 3
  static instances: FakeWebSocket[] = []

  readonly url: string
  readyState = FakeWebSocket.CONNECTING
  /** What the client sent, parsed. */
  readonly sent: unknown[] = []
  onopen: Handler = null
  onmessage: ((event: MessageEvent) => void) | null = null
  onclose: Handler = null
  onerror: Handler = null

  constructor(url: string | URL) {
    this.url = String(url)
    FakeWebSocket.instances.push(this)
  }

  send(data: string) {
    if (this.readyState !== FakeWebSocket.OPEN) throw new Error('FakeWebSocket: send before open')
    this.sent.push(JSON.parse(data))
  }

  close() {
    if (this.readyState === FakeWebSocket.CLOSED) return
    this.readyState = FakeWebSocket.CLOSED
    this.onclose?.(new Event('close'))
  }

  get query(): URLSearchParams {
    return new URL(this.url).searchParams
  }

  /** The server accepted the upgrade. */
  open() {
    this.readyState = FakeWebSocket.OPEN
    this.onopen?.(new Event('open'))
  }

  /** The server sent a frame (as JSON text). */
  receive(frame: unknown) {
    this.onmessage?.(new MessageEvent('message', { data: JSON.stringify(frame) }))
  }

  /** The connection dropped (not closed by the client). */
  drop() {
    this.readyState = FakeWebSocket.CLOSED
    this.onerror?.(new Event('error'))
    this.onclose?.(new Event('close'))
  }
}

/** Puts the fakes on globalThis with no instances yet; returns what puts the real ones back. */
export function installFakes(): () => void {
  const real = { EventSource: globalThis.EventSource, WebSocket: globalThis.WebSocket }
  FakeEventSource.instances = []
  FakeWebSocket.instances = []
  globalThis.EventSource = FakeEventSource as unknown as typeof EventSource
  globalThis.WebSocket = FakeWebSocket as unknown as typeof WebSocket
  return () => {
    globalThis.EventSource = real.EventSource
    globalThis.WebSocket = real.WebSocket
  }
}
