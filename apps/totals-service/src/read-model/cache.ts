import type { Queryable } from '@careforall/db'
import { meter } from '@careforall/otel'
import { emptyTotals, type TotalsSnapshot } from '../domain/totals'
import { findManyTotals, findTotals } from '../store/totals'
import { type ReadModelMetrics, readModelMetrics } from './metrics'
import { Subscribers } from './subscribers'

/** While this instance cannot hear changes (broker down), an entry is trusted this long. */
export const DEGRADED_TTL_MS = 1000
const REFRESH_CHUNK = 1000

interface Entry {
  snapshot: TotalsSnapshot
  /** When the database last confirmed it (performance.now()). */
  checkedAt: number
}

export interface TotalsCacheOptions {
  sql: Queryable
  /** At most this many campaigns in memory; the least recently read go first. */
  maxEntries: number
  /** Whether changes reach this instance right now (its fan-out subscription is connected). */
  hearsChanges(): boolean
}

/**
 * Every campaign's totals this instance has been asked for, in memory: a read that finds its
 * campaign here runs no SQL at all, which is what keeps a traffic spike away from PostgreSQL
 * (failure 5 of DESIGN.md). A miss reads the row once, however many requests wait for it.
 *
 * Copies are replaced only by a higher version, so a slow load can never overwrite a newer
 * notification. Freshness comes from outside: the change listener offers new rows as the fan-out
 * reports them, the periodic refresh re-reads everything held, and while the broker is away
 * entries older than DEGRADED_TTL_MS are re-read on access (at most one query per campaign per
 * second, still independent of the request rate).
 */
export class TotalsCache {
  readonly subscribers = new Subscribers()
  private readonly entries = new Map<string, Entry>()
  private readonly loading = new Map<string, Promise<TotalsSnapshot>>()
  private readonly metrics: ReadModelMetrics

  constructor(private readonly options: TotalsCacheOptions) {
    this.metrics = readModelMetrics()
    const m = meter()
    m.createObservableGauge('totals_cache_entries', {
      description: 'Campaigns whose totals this instance holds in memory',
    }).addCallback((result) => result.observe(this.entries.size))
    m.createObservableGauge('totals_stream_clients', {
      description: 'Open server-sent event streams on this instance',
    }).addCallback((result) => result.observe(this.subscribers.count()))
  }

  get visibility(): ReadModelMetrics {
    return this.metrics
  }

  /** The hit path: a map lookup. Undefined on a miss, or when the copy may be too old to trust. */
  peek(campaignId: string): TotalsSnapshot | undefined {
    const entry = this.entries.get(campaignId)
    if (!entry) return undefined
    if (!this.options.hearsChanges() && performance.now() - entry.checkedAt > DEGRADED_TTL_MS)
      return undefined
    // Re-inserted so the map's order stays least-recently-read first (for eviction).
    this.entries.delete(campaignId)
    this.entries.set(campaignId, entry)
    return entry.snapshot
  }

  /** The totals, from memory or else from the database (once for all concurrent callers). */
  get(campaignId: string): Promise<TotalsSnapshot> {
    const hit = this.peek(campaignId)
    return hit ? Promise.resolve(hit) : this.load(campaignId)
  }

  load(campaignId: string): Promise<TotalsSnapshot> {
    const pending = this.loading.get(campaignId)
    if (pending) return pending
    this.metrics.loads.add(1)
    return this.settle(campaignId, findTotals(this.options.sql, campaignId))
  }

  /**
   * Registers a campaign as loading until `found` answers (so concurrent reads wait for it), then
   * offers what was read (zeros for a campaign without a row) and answers what the cache holds.
   */
  private settle(campaignId: string, found: Promise<TotalsSnapshot | undefined>): Promise<TotalsSnapshot> {
    const loaded = found
      .then((snapshot) => {
        const read = snapshot ?? emptyTotals(campaignId)
        this.offer(read)
        return this.entries.get(campaignId)?.snapshot ?? read
      })
      .finally(() => this.loading.delete(campaignId))
    this.loading.set(campaignId, loaded)
    return loaded
  }

  /**
   * Several campaigns' totals, in the order asked (a repeated id answered at each place). Those in
   * memory cost nothing, as in `get`; those already being loaded are waited for; the rest are read
   * together in one query, however many they are.
   */
  getMany(campaignIds: string[]): Promise<TotalsSnapshot[]> {
    const answers = new Map<string, TotalsSnapshot | Promise<TotalsSnapshot>>()
    const missing: string[] = []
    for (const id of new Set(campaignIds)) {
      const answer = this.peek(id) ?? this.loading.get(id)
      if (answer) answers.set(id, answer)
      else missing.push(id)
    }
    if (missing.length > 0) for (const [id, pending] of this.loadMany(missing)) answers.set(id, pending)
    return Promise.all(campaignIds.map((id) => answers.get(id)!))
  }

  /**
   * `load` for several campaigns in one query. Each is registered as loading until it answers, so
   * a single read of one of them meanwhile waits for this query instead of making its own.
   */
  private loadMany(campaignIds: string[]): Map<string, Promise<TotalsSnapshot>> {
    this.metrics.loads.add(campaignIds.length)
    const found = findManyTotals(this.options.sql, campaignIds).then(
      (rows) => new Map(rows.map((snapshot) => [snapshot.campaignId, snapshot])),
    )
    return new Map(
      campaignIds.map((id) => [
        id,
        this.settle(
          id,
          found.then((rows) => rows.get(id)),
        ),
      ]),
    )
  }

  /** Whether a change to this campaign matters here (held, being loaded, or streamed to someone). */
  tracks(campaignId: string): boolean {
    return this.entries.has(campaignId) || this.loading.has(campaignId) || this.subscribers.has(campaignId)
  }

  /**
   * A snapshot from the database (a load, a notification, a refresh). Kept if newer than the copy
   * held, and then pushed to the campaign's event streams; an equal version only confirms the copy.
   * Returns whether it was newer.
   */
  offer(snapshot: TotalsSnapshot): boolean {
    const id = snapshot.campaignId
    const entry = this.entries.get(id)
    const now = performance.now()
    if (entry && snapshot.version <= entry.snapshot.version) {
      if (snapshot.version === entry.snapshot.version) entry.checkedAt = now
      return false
    }
    if (entry) this.entries.delete(id)
    else if (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next().value
      if (oldest !== undefined) this.entries.delete(oldest)
    }
    this.entries.set(id, { snapshot, checkedAt: now })
    this.subscribers.publish(snapshot)
    return true
  }

  /**
   * Re-reads every campaign held or streamed, in a few large queries: the safety net for a lost
   * notification, and the catch-up after a reconnect (a new fan-out queue missed what came before).
   */
  async refreshAll(): Promise<void> {
    const ids = [...new Set([...this.entries.keys(), ...this.subscribers.campaignIds()])]
    for (let start = 0; start < ids.length; start += REFRESH_CHUNK) {
      const chunk = ids.slice(start, start + REFRESH_CHUNK)
      const found = await findManyTotals(this.options.sql, chunk)
      for (const snapshot of found) this.offer(snapshot)
      // Campaigns still without a row are still empty: that is confirmed too.
      const now = performance.now()
      for (const id of chunk) {
        const entry = this.entries.get(id)
        if (entry && entry.snapshot.version === 0) entry.checkedAt = now
      }
    }
  }

  /** Forgets everything held (tests; an operator's rebuild is picked up by the refresh instead). */
  clear(): void {
    this.entries.clear()
  }

  size(): number {
    return this.entries.size
  }
}
