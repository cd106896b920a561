import { afterAll, describe, expect, it } from 'bun:test'
import { startGateway } from './helpers/gateway'

/**
 * A stand-in chat service: `/api/chat/campaigns/{id}/ws` answers 426 to a plain GET (the room can
 * be joined), 404 for the room `missing`, and upgrades to an echo socket that greets first and
 * reports the headers it was opened with.
 */
const received: { headers: Record<string, string>; closes: number[] } = { headers: {}, closes: [] }
const chat = Bun.serve<{ headers: Record<string, string> }>({
  port: 0,
  hostname: '127.0.0.1',
  fetch(req, server) {
    const room = new URL(req.url).pathname.split('/')[4]
    if (room === 'missing') {
      return Response.json(
        { status: 404, title: 'Not Found' },
        { status: 404, headers: { 'content-type': 'application/problem+json' } },
      )
    }
    if (req.headers.get('upgrade') !== 'websocket') {
      return Response.json(
        { status: 426 },
        { status: 426, headers: { 'content-type': 'application/problem+json' } },
      )
    }
    return server.upgrade(req, { data: { headers: Object.fromEntries(req.headers) } })
      ? undefined
      : new Response('no', { status: 400 })
  },
  websocket: {
    open(ws) {
      received.headers = ws.data.headers
      ws.send('welcome')
    },
    message(ws, message) {
      if (message === 'close me') return ws.close(4001, 'asked to')
      ws.send(`echo ${message}`)
    },
    close(_ws, code) {
      received.closes.push(code)
    },
  },
})
const gateway = startGateway({ chat: `http://127.0.0.1:${chat.port}` })
const wsUrl = (room: string) => `${gateway.url.replace('http', 'ws')}/api/chat/campaigns/${room}/ws?token=t`
const withSecret = { headers: { 'x-internal-secret': 'forged-by-a-client' } }

afterAll(() => {
  gateway.stop()
  chat.stop(true)
})

function open(url: string, options?: { headers: Record<string, string> }) {
  const ws = options
    ? new (WebSocket as unknown as new (url: string, options: Bun.WebSocketOptions) => WebSocket)(
        url,
        options,
      )
    : new WebSocket(url)
  const messages: string[] = []
  ws.onmessage = (event) => messages.push(String(event.data))
  const closed = new Promise<CloseEvent>((resolve) => ws.addEventListener('close', resolve))
  const opened = new Promise<void>((resolve, reject) => {
    ws.onopen = () => resolve()
    ws.onerror = () => reject(new Error('did not open'))
  })
  return { ws, messages, closed, opened }
}

const eventually = async (check: () => boolean) => {
  for (let i = 0; i < 100 && !check(); i++) await Bun.sleep(20)
  expect(check()).toBe(true)
}

describe('the chat socket relay', () => {
  it("accepts sockets from the gateway's own pages (the admin panel) and refuses other sites", async () => {
    const own = open(wsUrl('room-1'), { headers: { origin: gateway.url } })
    await own.opened
    own.ws.close()
    const other = open(wsUrl('room-1'), { headers: { origin: 'https://evil.example' } })
    expect(other.opened).rejects.toThrow('did not open')
    await other.closed
  })

  it('relays frames both ways, the upstream greeting included, with the forwarding headers (never the internal secret)', async () => {
    const client = open(wsUrl('room-1'), withSecret)
    await client.opened
    client.ws.send('hello')
    await eventually(() => client.messages.length === 2)
    expect(client.messages).toEqual(['welcome', 'echo hello'])
    expect(received.headers['x-forwarded-for']).toBe('127.0.0.1')
    expect(received.headers['x-request-id']).toBeTruthy()
    expect(received.headers['x-internal-secret']).toBeUndefined()
    client.ws.close(1000)
    await client.closed
    await eventually(() => received.closes.includes(1000))
  })

  it('closes the client when the upstream closes, with its code', async () => {
    const client = open(wsUrl('room-2'))
    await client.opened
    client.ws.send('close me')
    expect((await client.closed).code).toBe(4001)
  })

  it("answers a refused upgrade with the room's own problem, never a socket", async () => {
    const res = await fetch(`${gateway.url}/api/chat/campaigns/missing/ws`, {
      headers: {
        upgrade: 'websocket',
        connection: 'Upgrade',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
      },
    })
    expect(res.status).toBe(404)
    expect(res.headers.get('content-type')).toBe('application/problem+json')
  })

  it('answers 502 when the chat service is down', async () => {
    const down = startGateway({})
    const res = await fetch(`${down.url}/api/chat/campaigns/room/ws`, {
      headers: {
        upgrade: 'websocket',
        connection: 'Upgrade',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
      },
    })
    expect(res.status).toBe(502)
    down.stop()
  })
})
