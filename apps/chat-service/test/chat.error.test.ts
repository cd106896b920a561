import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TestSession } from '@careforall/devkit/testing'
import { type ChatWorld, connect, startChatWorld } from './support/chat-world'

let w: ChatWorld
let owner: TestSession
let ada: TestSession

beforeAll(async () => {
  w = await startChatWorld({ CHAT_RATE_LIMIT: '5', CHAT_RATE_WINDOW_SECONDS: '30' })
  ;[owner, ada] = await Promise.all([w.auth.donor('owner'), w.auth.donor('ada')])
}, 90_000)

afterAll(async () => {
  await w?.close()
}, 30_000)

const historyOf = async (room: string) =>
  ((await (await fetch(`${w.gateway}/api/chat/campaigns/${room}/messages`)).json()) as { items: unknown[] })
    .items

const errorCode = (code: string) => (frame: { type: string; code?: string }) =>
  frame.type === 'error' && frame.code === code

describe('what a chat room refuses', () => {
  it('lets visitors without a token read but not post', async () => {
    const room = w.room(owner)
    const visitor = await connect(w.socketUrl(room))
    const member = await connect(w.socketUrl(room, { token: owner.accessToken }))
    visitor.send({ message: 'let me in', userId: owner.user.id })
    expect(await visitor.next(errorCode('read_only'))).toMatchObject({ code: 'read_only' })
    member.send({ message: 'visible to all' })
    await visitor.next((frame) => frame.type === 'message' && frame.message === 'visible to all')
    expect(await historyOf(room)).toHaveLength(1)
    await Promise.all([visitor.close(), member.close()])
  })

  it('answers bad frames, too long messages and floods with an error frame, and stays open', async () => {
    const room = w.room(owner)
    const eve = await w.auth.donor('eve')
    const client = await connect(w.socketUrl(room, { token: eve.accessToken }))
    client.send('{not json')
    await client.next(errorCode('bad_frame'))
    client.send({ text: 'no message field' })
    client.send({ message: 'x'.repeat(2001) })
    await client.next(errorCode('too_long'))
    for (let i = 0; i < 6; i++) client.send({ message: `flood ${i}` })
    await client.next(errorCode('rate_limited'))
    expect(client.ws.readyState).toBe(WebSocket.OPEN)
    expect(client.of('message').map((frame) => frame.message)).toEqual([
      'flood 0',
      'flood 1',
      'flood 2',
      'flood 3',
      'flood 4',
    ])
    expect(client.of('error').map((frame) => frame.code)).toEqual([
      'bad_frame',
      'bad_frame',
      'too_long',
      'rate_limited',
    ])
    await client.close()
  })

  it('holds the rate limit across instances: the count is per user, in Redis', async () => {
    const room = w.room(owner)
    const mallory = await w.auth.donor('mallory')
    const one = await connect(w.socketUrl(room, { token: mallory.accessToken, via: 0 }))
    const two = await connect(w.socketUrl(room, { token: mallory.accessToken, via: 1 }))
    for (let i = 0; i < 3; i++) one.send({ message: `one ${i}` })
    for (let i = 0; i < 3; i++) two.send({ message: `two ${i}` })
    await Promise.race([one.next(errorCode('rate_limited')), two.next(errorCode('rate_limited'))])
    await Bun.sleep(300)
    expect(await historyOf(room)).toHaveLength(5)
    await Promise.all([one.close(), two.close()])
  })

  it('refuses a muted user until the mute is lifted; only the owner or an admin mutes', async () => {
    const room = w.room(owner)
    const muteBy = (session: TestSession, userId = ada.user.id) =>
      fetch(`${w.gateway}/api/chat/campaigns/${room}/mutes`, {
        method: 'POST',
        headers: { ...session.headers, 'content-type': 'application/json' },
        body: JSON.stringify({ userId, minutes: 10 }),
      })
    expect((await muteBy(owner, owner.user.id)).status).toBe(422)
    expect((await muteBy(ada)).status).toBe(403)
    const stranger = await w.auth.donor('stranger')
    expect((await muteBy(stranger)).status).toBe(403)
    const muted = await muteBy(owner)
    expect(muted.status).toBe(201)
    const client = await connect(w.socketUrl(room, { token: ada.accessToken }))
    client.send({ message: 'am I heard?' })
    expect((await client.next(errorCode('read_only'))).type).toBe('error')
    const lifted = await fetch(`${w.gateway}/api/chat/campaigns/${room}/mutes/${ada.user.id}`, {
      method: 'DELETE',
      headers: owner.headers,
    })
    expect(lifted.status).toBe(204)
    client.send({ message: 'heard now' })
    await client.next((frame) => frame.type === 'message' && frame.message === 'heard now')
    expect(await historyOf(room)).toHaveLength(1)
    await client.close()
  })

  it('lets only the owner or an admin remove a message, live for every socket', async () => {
    const room = w.room(owner)
    const client = await connect(w.socketUrl(room, { token: ada.accessToken }))
    client.send({ message: 'remove me' })
    const posted = (await client.next((frame) => frame.type === 'message')) as { id: string }
    const remove = (session: TestSession) =>
      fetch(`${w.gateway}/api/chat/campaigns/${room}/messages/${posted.id}`, {
        method: 'DELETE',
        headers: session.headers,
      })
    expect((await remove(ada)).status).toBe(403)
    expect(
      (await fetch(`${w.gateway}/api/chat/campaigns/${room}/messages/${posted.id}`, { method: 'DELETE' }))
        .status,
    ).toBe(401)
    const admin = await w.auth.admin()
    expect((await remove(admin)).status).toBe(204)
    expect(await client.next((frame) => frame.type === 'deleted')).toMatchObject({ id: posted.id })
    expect((await remove(owner)).status).toBe(204)
    expect(client.of('deleted')).toHaveLength(1)
    await client.close()
  })

  it('refuses the socket of an unknown, draft or completed campaign with a problem+json 4xx', async () => {
    const cases: [string, number][] = [
      [Bun.randomUUIDv7(), 404],
      [w.room(owner, 'DRAFT'), 404],
      [w.room(owner, 'COMPLETED'), 409],
      ['not-a-uuid', 400],
    ]
    for (const [room, status] of cases) {
      const url = w.socketUrl(room).replace('ws', 'http')
      const res = await fetch(url, { headers: { upgrade: 'websocket', connection: 'Upgrade' } })
      expect({ room, status: res.status }).toEqual({ room, status })
      expect(res.headers.get('content-type')).toStartWith('application/problem+json')
      expect(connect(w.socketUrl(room))).rejects.toThrow()
    }
    const open = await fetch(w.socketUrl(w.room(owner)).replace('ws', 'http'))
    expect(open.status).toBe(426)
  })

  it('refuses a forged token at the upgrade', async () => {
    const res = await fetch(w.socketUrl(w.room(owner), { token: 'not.a.token' }).replace('ws', 'http'), {
      headers: { upgrade: 'websocket', connection: 'Upgrade' },
    })
    expect(res.status).toBe(401)
  })

  it('refuses a socket from an origin the gateway does not know', async () => {
    const res = await fetch(w.socketUrl(w.room(owner)).replace('ws', 'http'), {
      headers: {
        upgrade: 'websocket',
        connection: 'Upgrade',
        origin: 'https://evil.example',
        'sec-websocket-key': 'dGhlIHNhbXBsZSBub25jZQ==',
        'sec-websocket-version': '13',
      },
    })
    expect(res.status).toBe(403)
  })
})
