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
