import { describe, expect, it } from 'bun:test'
import {
  applyChange,
  assertCents,
  donorChange,
  EMPTY_LINE,
  figuresDelta,
  figuresOf,
  type LedgerChange,
  type LedgerLine,
  type LedgerState,
  netCents,
  rebuiltLine,
} from './ledger'

const line = (donorKey: string, capturedCents: number, refundedCents = 0): LedgerLine => ({
  donorKey,
  capturedCents,
  refundedCents,
})

describe('a payment net', () => {
  it.each([
    [1000, 0, 1000],
    [1000, 250, 750],
    [1000, 1000, 0],
    [0, 500, 0], // a refund seen before its capture waits
    [300, 999, 0], // more refunded than captured never goes negative
  ])('of %i captured and %i refunded is %i', (captured, refunded, net) => {
    expect(netCents({ capturedCents: captured, refundedCents: refunded })).toBe(net)
  })
})

describe('campaign figures', () => {
  it.each<[string, LedgerLine[], [number, number, number]]>([
    ['no payments', [], [0, 0, 0]],
    ['one capture', [line('u:a', 2500)], [2500, 1, 1]],
    ['two payments of one donor', [line('u:a', 1000), line('u:a', 500)], [1500, 2, 1]],
    ['two donors', [line('u:a', 1000), line('g:b', 1)], [1001, 2, 2]],
    ['a partial refund', [line('u:a', 1000, 400)], [600, 1, 1]],
    ['a full refund drops the pledge and the donor', [line('u:a', 1000, 1000), line('g:b', 10)], [10, 1, 1]],
    ['an early refund counts nothing yet', [line('u:a', 0, 700), line('g:b', 10)], [10, 1, 1]],
    [
      'a donor stays while one of their payments has a net',
      [line('u:a', 1000, 1000), line('u:a', 300)],
      [300, 1, 1],
    ],
  ])('for %s', (_name, lines, [totalCents, totalPledges, totalDonors]) => {
    expect(figuresOf(lines)).toEqual({ totalCents, totalPledges, totalDonors })
  })

  it('refuses fractional or negative cents', () => {
    expect(() => figuresOf([line('u:a', 10.5)])).toThrow(RangeError)
    expect(() => figuresOf([line('u:a', 10, -1)])).toThrow(RangeError)
    expect(() => assertCents(0.1 + 0.2)).toThrow(RangeError)
    expect(assertCents(0)).toBe(0)
  })
})

describe('applying a change to a payment line', () => {
  const captured: LedgerState = { capturedCents: 1000, refundedCents: 0, captured: true }
  it.each<[string, LedgerState, LedgerChange, LedgerState, boolean]>([
    ['a first capture', EMPTY_LINE, { kind: 'capture', amountCents: 1000 }, captured, true],
    [
      'a second capture of the same payment',
      captured,
      { kind: 'capture', amountCents: 1000 },
      captured,
      false,
    ],
    [
      'a refund',
      captured,
      { kind: 'refund', amountCents: 300 },
      { capturedCents: 1000, refundedCents: 300, captured: true },
      true,
    ],
    [
      'a refund before the capture',
      EMPTY_LINE,
      { kind: 'refund', amountCents: 300 },
      { capturedCents: 0, refundedCents: 300, captured: false },
      true,
    ],
    [
      'the capture after an early refund',
      { capturedCents: 0, refundedCents: 300, captured: false },
      { kind: 'capture', amountCents: 1000 },
      { capturedCents: 1000, refundedCents: 300, captured: true },
      true,
    ],
    ['a refund of nothing', captured, { kind: 'refund', amountCents: 0 }, captured, false],
  ])('%s', (_name, before, change, after, changed) => {
    expect(applyChange(before, change)).toEqual({ line: after, changed })
  })

  it('reaches the same net whatever the order of the changes', () => {
    const changes: LedgerChange[] = [
      { kind: 'refund', amountCents: 200 },
      { kind: 'capture', amountCents: 1000 },
      { kind: 'refund', amountCents: 300 },
    ]
    const orders = [
      [0, 1, 2],
      [1, 0, 2],
      [2, 1, 0],
      [1, 2, 0],
    ]
    for (const order of orders) {
      const final = order.reduce((state, index) => applyChange(state, changes[index]!).line, EMPTY_LINE)
      expect(netCents(final)).toBe(500)
    }
  })
})

describe('moving the figures by one line', () => {
  const at = (capturedCents: number, refundedCents: number) => ({ capturedCents, refundedCents })
  it.each<[string, [number, number], [number, number], [number, number]]>([
    ['a first capture adds its amount and a pledge', [0, 0], [1000, 0], [1000, 1]],
    ['a capture after an early refund adds what remains', [0, 300], [1000, 300], [700, 1]],
    ['a capture smaller than an early refund adds nothing', [0, 300], [200, 300], [0, 0]],
    ['a partial refund takes its amount, not the pledge', [1000, 0], [1000, 400], [-400, 0]],
    ['the refund that empties a payment takes the pledge', [1000, 400], [1000, 1000], [-600, -1]],
    ['a refund beyond the capture takes only what was left', [1000, 900], [1000, 1500], [-100, -1]],
    ['an early refund moves nothing', [0, 0], [0, 300], [0, 0]],
  ])('%s', (_name, [bc, br], [ac, ar], [totalCents, totalPledges]) => {
    expect(figuresDelta(at(bc, br), at(ac, ar))).toEqual({ totalCents, totalPledges })
  })

  it.each<[number, number, number, number]>([
    [0, 1, 1, 1],
    [1, 1, 2, 0],
    [2, -1, 1, 0],
    [1, -1, 0, -1],
    [3, 0, 3, 0],
  ])(
    'a donor with %i paying payments and a pledge change of %i has %i, donors move by %i',
    (had, delta, now, moves) => {
      expect(donorChange(had, delta)).toEqual({ paymentsWithNet: now, donorDelta: moves })
    },
  )

  it('keeps the figures equal to a full recompute over any sequence of changes', () => {
    let seed = 11
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31
      return seed % n
    }
    const donors = ['u:a', 'u:b', 'g:c']
    const lines = new Map<number, LedgerState & { donorKey: string }>()
    const paying = new Map<string, number>()
    const figures = { totalCents: 0, totalPledges: 0, totalDonors: 0 }
    for (let step = 0; step < 500; step++) {
      const id = random(12)
      const before = lines.get(id) ?? { ...EMPTY_LINE, donorKey: donors[id % 3]! }
      const change: LedgerChange =
        random(2) === 0
          ? { kind: 'capture', amountCents: 1 + random(5000) }
          : { kind: 'refund', amountCents: random(3000) }
      const { line: after } = applyChange(before, change)
      lines.set(id, { ...after, donorKey: before.donorKey })
      const delta = figuresDelta(before, after)
      const donor = donorChange(paying.get(before.donorKey) ?? 0, delta.totalPledges)
      paying.set(before.donorKey, donor.paymentsWithNet)
      figures.totalCents += delta.totalCents
      figures.totalPledges += delta.totalPledges
      figures.totalDonors += donor.donorDelta
      expect(figures).toEqual(figuresOf(lines.values()))
    }
  })
})

describe('a rebuilt line', () => {
  it.each<[string, [number, number], [number, number] | undefined, boolean, [number, number]]>([
    ['takes the summary for an untouched line', [1000, 0], [9999, 0], false, [1000, 0]],
    ['takes the summary for a line the ledger lacks', [1000, 100], undefined, true, [1000, 100]],
    ['keeps what an event added meanwhile', [1000, 0], [1000, 300], true, [1000, 300]],
    ['keeps a capture the summary had not seen yet', [0, 0], [1000, 0], true, [1000, 0]],
  ])('%s', (_name, [sc, sr], current, touched, [c, r]) => {
    const now = current && { capturedCents: current[0], refundedCents: current[1] }
    expect(rebuiltLine({ capturedCents: sc, refundedCents: sr }, now, touched)).toEqual({
      capturedCents: c,
      refundedCents: r,
    })
  })
})
