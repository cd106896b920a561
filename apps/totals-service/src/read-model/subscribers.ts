import type { TotalsSnapshot } from '../domain/totals'

/**
 * One event-stream client's mailbox. It holds only the newest snapshot it has not taken yet: a
 * slow client skips intermediate versions instead of queueing them, so memory per client stays
 * constant however fast the totals change.
 */
export class Subscription {
  private latest: TotalsSnapshot | undefined
  private wake: (() => void) | undefined
  closed = false

  constructor(
    readonly campaignId: string,
    private readonly onClose: (subscription: Subscription) => void,
  ) {}

  push(snapshot: TotalsSnapshot): void {
    if (this.latest && snapshot.version <= this.latest.version) return
    this.latest = snapshot
    this.wake?.()
  }

  /** The newest snapshot not taken yet; waits at most `timeoutMs` (undefined then, or when closed). */
  async next(timeoutMs: number): Promise<TotalsSnapshot | undefined> {
    if (!this.latest && !this.closed) {
      const { promise, resolve } = Promise.withResolvers<void>()
      this.wake = resolve
      const timer = setTimeout(resolve, timeoutMs)
      await promise
      clearTimeout(timer)
      this.wake = undefined
    }
    const taken = this.latest
    this.latest = undefined
    return this.closed ? undefined : taken
  }

  close(): void {
    if (this.closed) return
    this.closed = true
    this.wake?.()
    this.onClose(this)
  }
}

/**
 * The event-stream clients of this instance, by campaign. A change reaches all of a campaign's
 * clients from one notification held in memory: a thousand viewers of one campaign cost the same
 * one fan-out message and at most one query as a single viewer.
 */
export class Subscribers {
  private readonly byCampaign = new Map<string, Set<Subscription>>()
  private total = 0

  subscribe(campaignId: string): Subscription {
    const subscription = new Subscription(campaignId, (closed) => {
      const set = this.byCampaign.get(closed.campaignId)
      if (!set?.delete(closed)) return
      this.total--
      if (set.size === 0) this.byCampaign.delete(closed.campaignId)
    })
    let set = this.byCampaign.get(campaignId)
    if (!set) {
      set = new Set()
      this.byCampaign.set(campaignId, set)
    }
    set.add(subscription)
    this.total++
    return subscription
  }

  has(campaignId: string): boolean {
    return this.byCampaign.has(campaignId)
  }

  campaignIds(): string[] {
    return [...this.byCampaign.keys()]
  }

  publish(snapshot: TotalsSnapshot): void {
    const set = this.byCampaign.get(snapshot.campaignId)
    if (set) for (const subscription of set) subscription.push(snapshot)
  }

  count(): number {
    return this.total
  }

  /** Ends every stream (shutdown): clients reconnect, with Last-Event-ID, to another instance. */
  closeAll(): void {
    for (const set of [...this.byCampaign.values()]) for (const subscription of [...set]) subscription.close()
  }
}
