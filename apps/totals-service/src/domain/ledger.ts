/**
 * The ledger arithmetic of DESIGN.md, in integer cents and nothing else: a campaign's total is
 * Σ max(0, captured − refunded) over its payments; pledges and donors count the payments and the
 * distinct donor keys whose net is above zero. Keeping a line per payment (rather than a running
 * sum) is what makes the order of events irrelevant: a refund seen before its capture waits in its
 * line, and the net can never go below zero.
 *
 * The consumer applies these rules in SQL (`store/ledger.ts`): it changes one line and moves the
 * campaign's figures by `figuresDelta` of that line, under the campaign's lock, so the figures stay
 * exactly `figuresOf(all lines)` at O(1) per event; a rebuild recomputes them from every line. This
 * module is their specification, is what reconciliation computes the expected figures with, and is
 * the oracle the integration tests compare the database against.
 */

/** One payment's line: what was captured of it and what was refunded, in cents. */
export interface LedgerLine {
  donorKey: string
  capturedCents: number
  refundedCents: number
}

/** What a campaign shows: the sum of positive nets, and how many payments and donors make it. */
export interface CampaignFigures {
  totalCents: number
  totalPledges: number
  totalDonors: number
}

export const ZERO_FIGURES: CampaignFigures = Object.freeze({ totalCents: 0, totalPledges: 0, totalDonors: 0 })

/** Refuses anything that is not a whole, non-negative number of cents: floats never get in. */
export function assertCents(value: number, what = 'amount'): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${what} must be a non-negative integer number of cents, got ${value}`)
  }
  return value
}

/** A payment's contribution: never negative, whatever arrived first. */
export function netCents(line: Pick<LedgerLine, 'capturedCents' | 'refundedCents'>): number {
  return Math.max(0, line.capturedCents - line.refundedCents)
}

/** Folds ledger lines into campaign figures, one line at a time (summary pages stream through it). */
export class FiguresBuilder {
  private totalCents = 0
  private pledges = 0
  private readonly donors = new Set<string>()

  add(line: LedgerLine): this {
    assertCents(line.capturedCents, 'capturedCents')
    assertCents(line.refundedCents, 'refundedCents')
    const net = netCents(line)
    if (net > 0) {
      this.totalCents += net
      this.pledges += 1
      this.donors.add(line.donorKey)
    }
    return this
  }

  figures(): CampaignFigures {
    return { totalCents: this.totalCents, totalPledges: this.pledges, totalDonors: this.donors.size }
  }
}

export function figuresOf(lines: Iterable<LedgerLine>): CampaignFigures {
  const builder = new FiguresBuilder()
  for (const line of lines) builder.add(line)
  return builder.figures()
}

export function sameFigures(a: CampaignFigures, b: CampaignFigures): boolean {
  return a.totalCents === b.totalCents && a.totalPledges === b.totalPledges && a.totalDonors === b.totalDonors
}

/** A payment event as the ledger sees it (a refund already deduplicated by its refund id). */
export type LedgerChange = { kind: 'capture'; amountCents: number } | { kind: 'refund'; amountCents: number }

/** A line plus whether its capture was applied (a payment is captured once). */
export interface LedgerState extends Pick<LedgerLine, 'capturedCents' | 'refundedCents'> {
  captured: boolean
}

export const EMPTY_LINE: LedgerState = Object.freeze({ capturedCents: 0, refundedCents: 0, captured: false })

/**
 * One change applied to one payment's line. A capture sets the captured amount once (a second
 * capture of the same payment, under another event id, is a no-op rather than a second charge);
 * each distinct refund adds its amount. Guards that quietly do nothing, as event-driven
 * transitions should: nothing here can throw on a late or early event.
 */
export function applyChange(
  line: LedgerState,
  change: LedgerChange,
): { line: LedgerState; changed: boolean } {
  assertCents(change.amountCents)
  if (change.kind === 'capture') {
    if (line.captured) return { line, changed: false }
    return { line: { ...line, capturedCents: change.amountCents, captured: true }, changed: true }
  }
  if (change.amountCents === 0) return { line, changed: false }
  return { line: { ...line, refundedCents: line.refundedCents + change.amountCents }, changed: true }
}

/** How one payment's line changing moves its campaign's figures (donors: see `donorChange`). */
export function figuresDelta(
  before: Pick<LedgerLine, 'capturedCents' | 'refundedCents'>,
  after: Pick<LedgerLine, 'capturedCents' | 'refundedCents'>,
): { totalCents: number; totalPledges: number } {
  const [was, is] = [netCents(before), netCents(after)]
  return { totalCents: is - was, totalPledges: Number(is > 0) - Number(was > 0) }
}

/**
 * A donor counts while at least one of their payments to the campaign has a net above zero. Given
 * how many such payments they had and the pledge change of one of their payments, how many they
 * have now and how the campaign's donor count moves.
 */
export function donorChange(
  paymentsWithNet: number,
  pledgeDelta: number,
): { paymentsWithNet: number; donorDelta: number } {
  const now = paymentsWithNet + pledgeDelta
  return { paymentsWithNet: now, donorDelta: Number(now > 0) - Number(paymentsWithNet > 0) }
}

/**
 * What a rebuild keeps for one payment. The payment service's summary is the truth for lines
 * nobody touched since the rebuild began; a line an event changed meanwhile may be ahead of the
 * summary (read a moment earlier), and since a payment's captured and refunded amounts only ever
 * grow, the larger of the two is the newer.
 */
export function rebuiltLine(
  summary: Pick<LedgerLine, 'capturedCents' | 'refundedCents'>,
  current: Pick<LedgerLine, 'capturedCents' | 'refundedCents'> | undefined,
  touchedSinceStart: boolean,
): Pick<LedgerLine, 'capturedCents' | 'refundedCents'> {
  if (!current || !touchedSinceStart) return { ...summary }
  return {
    capturedCents: Math.max(summary.capturedCents, current.capturedCents),
    refundedCents: Math.max(summary.refundedCents, current.refundedCents),
  }
}
