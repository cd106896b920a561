/** The value below which `p` percent of the samples fall (nearest rank). */
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  const rank = Math.ceil((p / 100) * sorted.length)
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!
}

/** p50/p90/p99/max of latencies in milliseconds, one decimal. */
export function summarize(samples: number[]): Record<'p50' | 'p90' | 'p99' | 'max', string> {
  const sorted = [...samples].sort((a, b) => a - b)
  const ms = (value: number) => `${value.toFixed(1)} ms`
  return {
    p50: ms(percentile(sorted, 50)),
    p90: ms(percentile(sorted, 90)),
    p99: ms(percentile(sorted, 99)),
    max: ms(sorted.at(-1) ?? Number.NaN),
  }
}

/**
 * Open loop: call i starts at `started + i/rate`, whether or not earlier ones are done (a slow
 * system shows as latency, not as fewer calls). Resolves with every call's result, in order.
 */
export async function atRate<T>(
  rate: number,
  total: number,
  call: (index: number) => Promise<T>,
): Promise<T[]> {
  const started = performance.now()
  const pending: Promise<T>[] = []
  for (let index = 0; index < total; index++) {
    const wait = started + (index * 1000) / rate - performance.now()
    if (wait > 1) await Bun.sleep(wait)
    pending.push(call(index))
  }
  return Promise.all(pending)
}
