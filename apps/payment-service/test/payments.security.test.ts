import { afterAll, beforeAll, describe, expect, it } from 'bun:test'
import { createDb } from '@careforall/db'
import type { TestSession } from '@careforall/devkit/testing'
import { paymentReaches, send } from './support/helpers'
import { INTERNAL, type PaymentWorld, startPaymentWorld } from './support/payment-world'

let w: PaymentWorld
let admin: TestSession
let owner: TestSession
let stranger: TestSession

beforeAll(async () => {
  w = await startPaymentWorld({}, { auth: true })
  ;[admin, owner, stranger] = await Promise.all([
    w.auth!.admin(),
    w.auth!.donor('owner'),
    w.auth!.donor('stranger'),
  ])
}, 60_000)
afterAll(async () => {
  await w?.close()
}, 30_000)

async function capturedPayment() {
  const pledge = await w.pledge({ campaignOwnerId: owner.user.id, amountCents: 1000 })
  return paymentReaches(w, pledge.pledgeId, 'CAPTURED')
}

type Caller = 'admin' | 'campaign owner' | 'another donor' | 'anonymous'
const headersOf = (caller: Caller) =>
  ({
    admin: admin.headers,
    'campaign owner': owner.headers,
    'another donor': stranger.headers,
    anonymous: {},
  })[caller]
// read one, refund, list, webhooks of one
const expected: Record<Caller, [number, number, number, number]> = {
  admin: [200, 202, 200, 200],
  'campaign owner': [200, 202, 403, 403],
  'another donor': [404, 404, 403, 403],
  anonymous: [401, 401, 401, 401],
}

describe('who may see and refund a payment', () => {
  it.each(Object.keys(expected) as Caller[])(
    'answers the %s as the rules say',
    async (caller) => {
      const [read, refund, list, webhooks] = expected[caller]
      const payment = await capturedPayment()
      const headers = headersOf(caller)
      expect(
        (await w.service.app.request(...send('GET', `/api/payments/${payment.id}`, headers))).status,
      ).toBe(read)
      const refundRes = await w.service.app.request(
        ...send(
          'POST',
          `/api/payments/${payment.id}/refund`,
          { ...headers, 'idempotency-key': `sec-${payment.id}` },
          { amount: 1 },
        ),
      )
      expect(refundRes.status).toBe(refund)
      expect((await w.service.app.request(...send('GET', '/api/payments', headers))).status).toBe(list)
      expect(
        (await w.service.app.request(...send('GET', `/api/payments/${payment.id}/webhooks`, headers))).status,
      ).toBe(webhooks)
    },
    15_000,
  )

  it('refuses a token that is not an access token of ours', async () => {
    const res = await w.service.app.request(
      ...send('GET', '/api/payments', { authorization: 'Bearer not.a.token' }),
    )
    expect(res.status).toBe(401)
  })
})

describe('internal and sandbox routes', () => {
  it.each([
    ['/internal/payments/summary'],
    ['/sandbox/v1/ledger'],
    ['/sandbox/v1/ledger/summary'],
    ['/sandbox/v1/chaos'],
  ])('%s requires the internal secret', async (path) => {
    expect((await fetch(`${w.url}${path}`)).status).toBe(403)
    expect(
      (await fetch(`${w.url}${path}`, { headers: { 'x-internal-secret': 'wrong-secret-of-some-length' } }))
        .status,
    ).toBe(403)
    expect((await fetch(`${w.url}${path}`, { headers: INTERNAL })).status).toBe(200)
  })

  it('refuses sandbox calls without the sandbox API key', async () => {
    const call = (authorization?: string) =>
      fetch(`${w.url}/sandbox/v1/authorizations`, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'idempotency-key': 'no-key',
          ...(authorization ? { authorization } : {}),
        },
        body: JSON.stringify({ amount: 100, currency: 'USD', paymentMethod: 'pm_ok' }),
      })
    expect((await call()).status).toBe(401)
    expect((await call('Bearer sk_sandbox_wrong_key')).status).toBe(401)
  })

  it('keeps each pool to its own schema: the payment role cannot read the ledger, nor the sandbox role the payments', async () => {
    await expect(w.sql`select * from sandbox.operations limit 1`).rejects.toMatchObject({ code: '42501' })
    const sandboxRole = createDb({
      url: w.world.databaseUrl('sandbox'),
      schema: 'sandbox',
      max: 1,
    })
    try {
      await expect(sandboxRole`select * from payment.payments limit 1`).rejects.toMatchObject({
        code: '42501',
      })
    } finally {
      await sandboxRole.end()
    }
  })
})

describe('the sandbox as a PSP', () => {
  const authorize = (key: string | undefined, body: unknown) =>
    fetch(`${w.url}/sandbox/v1/authorizations`, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        authorization: `Bearer ${w.env.SANDBOX_API_KEY}`,
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    })

  it('answers a repeated Idempotency-Key with the same operation and never makes a second', async () => {
    const reference = Bun.randomUUIDv7()
    const body = { amount: 990, currency: 'USD', paymentMethod: 'pm_ok', reference }
    const answers = await Promise.all(Array.from({ length: 5 }, () => authorize(`psp-${reference}`, body)))
    expect(answers.every((res) => res.status === 202)).toBe(true)
    const ids = await Promise.all(answers.map(async (res) => ((await res.json()) as { id: string }).id))
    expect(new Set(ids).size).toBe(1)
    expect(answers.filter((res) => res.headers.get('idempotent-replayed') === 'true')).toHaveLength(4)
    const ledger = (await (
      await fetch(`${w.url}/sandbox/v1/ledger?reference=${reference}`, { headers: INTERNAL })
    ).json()) as {
      items: unknown[]
    }
    expect(ledger.items).toHaveLength(1)
    const one = await fetch(`${w.url}/sandbox/v1/authorizations/${ids[0]}`, {
      headers: { authorization: `Bearer ${w.env.SANDBOX_API_KEY}` },
    })
    expect(one.status).toBe(200)
    expect(await one.json()).toMatchObject({ id: ids[0], object: 'authorization', amount: 990, reference })
    expect((await fetch(`${w.url}/sandbox/v1/authorizations/${ids[0]}`)).status).toBe(401)
    expect(
      (
        await fetch(`${w.url}/sandbox/v1/captures/${ids[0]}`, {
          headers: { authorization: `Bearer ${w.env.SANDBOX_API_KEY}` },
        })
      ).status,
    ).toBe(404)
  })

  it('refuses the same key with other parameters, and a call without a key', async () => {
    const reference = Bun.randomUUIDv7()
    expect(
      (
        await authorize(`psp2-${reference}`, {
          amount: 100,
          currency: 'USD',
          paymentMethod: 'pm_ok',
          reference,
        })
      ).status,
    ).toBe(202)
    const other = await authorize(`psp2-${reference}`, {
      amount: 101,
      currency: 'USD',
      paymentMethod: 'pm_ok',
      reference,
    })
    expect(other.status).toBe(422)
    expect(
      (await authorize(undefined, { amount: 100, currency: 'USD', paymentMethod: 'pm_ok' })).status,
    ).toBe(400)
  })
})
