import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { type Socket, connect as tcpConnect } from 'node:net'
import type { TestSession } from '@careforall/devkit/testing'
import postgres from 'postgres'
import { type ChatWorld, startChatWorld } from './support/chat-world'

let w: ChatWorld
let owner: TestSession

beforeAll(async () => {
  w = await startChatWorld({ CHAT_IDLE_TIMEOUT_SECONDS: '5', CHAT_BACKPRESSURE_LIMIT_BYTES: '65536' })
  owner = await w.auth.donor('owner')
}, 90_000)

afterAll(async () => {
  await w?.close()
}, 30_000)

/** A client that completes the WebSocket handshake by hand, then neither reads nor answers pings. */
async function rawSocket(url: string): Promise<{ socket: Socket; closed: Promise<void> }> {
  const { hostname, port, pathname, search } = new URL(url)
  const socket = tcpConnect(Number(port), hostname)
  await new Promise<void>((resolve) => socket.once('connect', () => resolve()))
  socket.write(
    `GET ${pathname}${search} HTTP/1.1\r\nHost: ${hostname}:${port}\r\nUpgrade: websocket\r\n` +
      'Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n',
  )
  const head = await new Promise<string>((resolve) => socket.once('data', (chunk) => resolve(String(chunk))))
  expect(head).toStartWith('HTTP/1.1 101')
  const closed = new Promise<void>((resolve) => {
    socket.once('close', () => resolve())
    socket.once('end', () => resolve())
  })
  return { socket, closed }
}

async function openSockets(url: string): Promise<number> {
  const metrics = await (await fetch(`${url}/metrics`)).text()
  return Number(/chat_sockets_open\{[^}]*\} (\d+)/.exec(metrics)?.[1] ?? Number.NaN)
}

async function until(what: string, check: () => Promise<boolean>, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (await check()) return
    await Bun.sleep(200)
  }
  throw new Error(`timed out: ${what}`)
}

describe('sockets that cannot keep up', () => {
  it('closes a socket that stops answering pings', async () => {
    const room = w.room(owner)
    const { socket, closed } = await rawSocket(w.socketUrl(room, { via: 1 }).replace('ws', 'http'))
    socket.on('data', () => {}) // reads, but never answers a ping
    expect(await openSockets(w.chat[1].url)).toBe(1)
    const started = Date.now()
    await closed
    expect(Date.now() - started).toBeLessThan(15_000)
    await until('the socket is forgotten', async () => (await openSockets(w.chat[1].url)) === 0, 3000)
  }, 30_000)

  it('drops a reader that falls behind instead of buffering for it', async () => {
    const room = w.room(owner)
    // Ten megabytes of history, which a reconnect from seq 0 is sent at once.
    const sql = postgres(w.world.adminUrl, { max: 1, onnotice: () => undefined })
    await sql`
      insert into chat.messages (id, campaign_id, seq, user_id, user_name, message)
      select gen_random_uuid(), ${room}, n, ${owner.user.id}, 'Owner', repeat('x', 2000)
      from generate_series(1, 5000) as n`
    await sql`insert into chat.rooms (campaign_id, last_seq) values (${room}, 5000)`
    await sql.end()
    const { socket } = await rawSocket(w.socketUrl(room, { since: 0, via: 1 }).replace('ws', 'http'))
    socket.pause() // never reads
    await until('the slow reader is dropped', async () => (await openSockets(w.chat[1].url)) === 0, 15_000)
    socket.destroy()
  }, 30_000)
})
