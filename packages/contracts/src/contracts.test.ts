import { describe, expect, it } from 'bun:test'
import {
  centsToNumeric,
  createEvent,
  decodeCursor,
  Events,
  encodeCursor,
  eventSchemas,
  exchangeOf,
  Money,
  numericToCents,
  parseEvent,
  toCents,
} from './index'

const uuid = '01936f8e-2c4a-7b3e-9d1f-5a6b7c8d9e0f'

describe('Money', () => {
  it.each([
    [25, true],
    [25.5, true],
    [0.01, true],
    [19.99, true],
    [1234567.89, true],
    [0, false],
    [-1, false],
    [1.001, false],
    [0.005, false],
  ])('accepts %p: %p', (value, ok) => {
    expect(Money.safeParse(value).success).toBe(ok)
  })

  it('converts amounts to cents without float drift', () => {
    expect(toCents(19.99)).toBe(1999)
    expect(toCents(0.1 + 0.2)).toBe(30)
    expect(numericToCents('1234.5')).toBe(123450)
    expect(numericToCents('0.07')).toBe(7)
    expect(numericToCents('-3.10')).toBe(-310)
    expect(centsToNumeric(123450)).toBe('1234.50')
    expect(centsToNumeric(7)).toBe('0.07')
  })
})

describe('cursors', () => {
  it('round-trips a keyset position', () => {
    const cursor = { createdAt: '2026-11-25T12:00:00.123Z', id: uuid }
    expect(decodeCursor(encodeCursor(cursor))).toEqual(cursor)
  })

  it('rejects a cursor that is not ours', () => {
    expect(decodeCursor('not-a-cursor')).toBeUndefined()
    expect(decodeCursor(Buffer.from('["x","y"]').toString('base64url'))).toBeUndefined()
  })
})

describe('event catalog', () => {
  it('has a schema for every event type and an exchange for every domain', () => {
    for (const type of Object.values(Events)) {
      expect(eventSchemas[type]).toBeDefined()
      expect(exchangeOf(type)).toBe(`${type.split('.')[0]}.events`)
    }
  })

  it('builds and parses a CloudEvents envelope', () => {
    const event = createEvent({
      id: uuid,
      source: 'payment-service',
      type: Events.PaymentCaptured,
      subject: uuid,
      data: {
        paymentId: uuid,
        pledgeId: uuid,
        campaignId: uuid,
        donorKey: 'u:abc',
        amountCents: 2500,
        providerTransactionId: 'txn_1',
      },
    })
    expect(event.specversion).toBe('1.0')
    expect(event.datacontenttype).toBe('application/json')
    expect(parseEvent(JSON.parse(JSON.stringify(event)))).toEqual(event)
  })

  it('refuses data off the catalog', () => {
    expect(() =>
      createEvent({
        id: uuid,
        source: 'x',
        type: Events.AuthUserDisabled,
        data: { userId: 'not-a-uuid' },
      }),
    ).toThrow()
    expect(() =>
      parseEvent({
        specversion: '1.0',
        id: '1',
        source: 's',
        type: 'nope.done',
        time: new Date().toISOString(),
        datacontenttype: 'application/json',
        data: {},
      }),
    ).toThrow()
  })

  it('requires a reason on payment.failed and a refundId on payment.refunded', () => {
    const base = {
      paymentId: uuid,
      pledgeId: uuid,
      campaignId: uuid,
      donorKey: 'g:ab',
      amountCents: 1,
      providerTransactionId: 't',
    }
    expect(eventSchemas[Events.PaymentFailed].safeParse(base).success).toBe(false)
    expect(eventSchemas[Events.PaymentFailed].safeParse({ ...base, reason: 'card_declined' }).success).toBe(
      true,
    )
    expect(eventSchemas[Events.PaymentRefunded].safeParse(base).success).toBe(false)
  })
})
