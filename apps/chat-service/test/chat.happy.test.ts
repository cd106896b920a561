import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import type { TestSession } from '@careforall/devkit/testing'
import { type ChatWorld, connect, startChatWorld } from './support/chat-world'

let w: ChatWorld
let owner: TestSession
let ada: TestSession
let bob: TestSession

beforeAll(async () => {
  w = await startChatWorld({ CHAT_RATE_LIMIT: '50', CHAT_RATE_WINDOW_SECONDS: '10' })
  ;[owner, ada, bob] = await Promise.all([w.auth.donor('owner'), w.auth.donor('ada'), w.auth.donor('bob')])
}, 90_000)

afterAll(async () => {
  await w?.close()
}, 30_000)

const isMessage = (text: string) => (frame: { type: string; message?: string }) =>
  frame.type === 'message' && frame.message === text

describe('a campaign chat room through the gateway', () => {
  it('lets two signed-in visitors see each other, with the identity of their tokens', async () => {
    const room = w.room(owner)
    const a = await connect(w.socketUrl(room, { token: ada.accessToken }))
    const b = await connect(w.socketUrl(room, { token: bob.accessToken }))
    a.send({ message: 'hello from Ada', userId: bob.user.id, userName: 'Admin' })
    const seen = await b.next(isMessage('hello from Ada'))
    expect(seen).toMatchObject({ userId: ada.user.id, userName: ada.user.name, campaignId: room, seq: 1 })
    await a.next(isMessage('hello from Ada'))
    b.send({ message: 'hi Ada' })
    expect(await a.next(isMessage('hi Ada'))).toMatchObject({ userId: bob.user.id, seq: 2 })
    await Promise.all([a.close(), b.close()])
  })

  it('shares a room between instances: a message posted on one reaches sockets on the other', async () => {
    const room = w.room(owner)
    const viaGateway = await connect(w.socketUrl(room, { token: ada.accessToken }))
    const second = await connect(w.socketUrl(room, { token: bob.accessToken, via: 1 }))
    second.send({ message: 'from instance two' })
    await viaGateway.next(isMessage('from instance two'))
    viaGateway.send({ message: 'from instance one' })
    await second.next(isMessage('from instance one'))
    await Promise.all([viaGateway.close(), second.close()])
  })

  it('gives a client that reconnects with since exactly what it missed, in order, then live messages', async () => {
    const room = w.room(owner)
    const poster = await connect(w.socketUrl(room, { token: ada.accessToken, via: 1 }))
    const reader = await connect(w.socketUrl(room, { token: bob.accessToken }))
    poster.send({ message: 'seen 1' })
    const last = await reader.next(isMessage('seen 1'))
    await reader.close()
    for (const text of ['missed 1', 'missed 2', 'missed 3']) {
      poster.send({ message: text })
      await poster.next(isMessage(text))
    }
    const missed2 = poster.frames.find(isMessage('missed 2'))!
    const removed = await fetch(
      `${w.gateway}/api/chat/campaigns/${room}/messages/${(missed2 as { id: string }).id}`,
      {
        method: 'DELETE',
        headers: owner.headers,
      },
    )
    expect(removed.status).toBe(204)
    await poster.next((frame) => frame.type === 'deleted')

    const back = await connect(
      w.socketUrl(room, { token: bob.accessToken, since: (last as { seq: number }).seq }),
    )
    poster.send({ message: 'live after' })
    await back.next(isMessage('live after'))
    const entries = back.frames
      .filter((frame) => frame.type === 'message' || frame.type === 'deleted')
      .map(
        (frame) =>
          `${(frame as { seq: number }).seq}:${frame.type}:${(frame as { message?: string }).message ?? ''}`,
      )
    expect(entries).toEqual([
      '2:message:missed 1',
      '3:deleted:',
      '4:message:missed 3',
      '5:deleted:',
      '6:message:live after',
    ])
    await Promise.all([poster.close(), back.close()])
  })

  it('keeps pages of history by seq, removed messages as tombstones without their text', async () => {
    const room = w.room(owner)
    const poster = await connect(w.socketUrl(room, { token: ada.accessToken }))
    for (const text of ['one', 'two', 'three']) {
      poster.send({ message: text })
      await poster.next(isMessage(text))
    }
    const two = poster.frames.find(isMessage('two')) as { id: string }
    await fetch(`${w.gateway}/api/chat/campaigns/${room}/messages/${two.id}`, {
      method: 'DELETE',
      headers: owner.headers,
    })
    const first = (await (
      await fetch(`${w.gateway}/api/chat/campaigns/${room}/messages?limit=2`)
    ).json()) as {
      items: { seq: number; message: string; deleted: boolean }[]
      nextBefore: number | null
    }
    expect(first.items.map((item) => [item.seq, item.message, item.deleted])).toEqual([
      [3, 'three', false],
      [2, '', true],
    ])
    const second = (await (
      await fetch(`${w.gateway}/api/chat/campaigns/${room}/messages?limit=2&before=${first.nextBefore}`)
    ).json()) as { items: { seq: number; message: string }[]; nextBefore: number | null }
    expect(second.items.map((item) => item.message)).toEqual(['one'])
    expect(second.nextBefore).toBeNull()
    await poster.close()
  })

  it('announces a user once when they join with two tabs, and once when the last tab leaves', async () => {
    const room = w.room(owner)
    const watcher = await connect(w.socketUrl(room, { token: owner.accessToken }))
    const tab1 = await connect(w.socketUrl(room, { token: ada.accessToken }))
    const tab2 = await connect(w.socketUrl(room, { token: ada.accessToken, via: 1 }))
    await watcher.next(
      (frame) => frame.type === 'system' && frame.event === 'join' && frame.userId === ada.user.id,
    )
    const presence = (await (await fetch(`${w.gateway}/api/chat/campaigns/${room}/presence`)).json()) as {
      users: { userId: string; userName: string }[]
    }
    expect(presence.users.map((user) => user.userId).sort()).toEqual([owner.user.id, ada.user.id].sort())
    await tab1.close()
    await Bun.sleep(300)
    await tab2.close()
    await watcher.next(
      (frame) => frame.type === 'system' && frame.event === 'leave' && frame.userId === ada.user.id,
    )
    const joins = watcher.of('system').filter((frame) => frame.userId === ada.user.id)
    expect(joins.map((frame) => frame.event)).toEqual(['join', 'leave'])
    await watcher.close()
  })

  it('leaves nothing behind when a room empties: no room, socket or Redis key', async () => {
    const room = w.room(owner)
    const a = await connect(w.socketUrl(room, { token: ada.accessToken }))
    const b = await connect(w.socketUrl(room, { token: bob.accessToken, via: 1 }))
    a.send({ message: 'bye' })
    await b.next(isMessage('bye'))
    await Promise.all([a.close(), b.close()])
    await Bun.sleep(300)
    for (const instance of w.chat) {
      const metrics = await (await fetch(`${instance.url}/metrics`)).text()
      expect(metrics).toMatch(/chat_rooms_open\{[^}]*\} 0/)
      expect(metrics).toMatch(/chat_sockets_open\{[^}]*\} 0/)
    }
    const redis = new Bun.RedisClient(w.world.redisUrl)
    const keys = await redis.send('KEYS', [`${w.world.redisPrefix}chat:presence:${room}*`])
    expect(keys).toEqual([])
    redis.close()
  })
})
