// A load generator in Bun for the totals benchmark (CI machines have no wrk): many keep-alive
// fetches in flight. Closed loop (each worker sends its next request when the last one answered)
// finds the saturation rate; open loop (requests sent on a fixed schedule, whatever the answers)
// measures latency at an offered rate, timed from when each request was due, so a stall shows up
// in the percentiles instead of silently lowering the rate (no coordinated omission).

export interface LoadResult {
  label: string
  requests: number
  errors: number
  seconds: number
  /** Answered requests per second. */
  rate: number
  p50: number
  p99: number
  max: number
  /** CPU seconds of an external load generator (wrk), which is not this process. */
  generatorCpuSeconds?: number
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return Number.NaN
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!
}

function summarize(label: string, latencies: number[], errors: number, seconds: number): LoadResult {
  const sorted = latencies.sort((a, b) => a - b)
  return {
    label,
    requests: latencies.length,
    errors,
    seconds,
    rate: latencies.length / seconds,
    p50: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    max: sorted.at(-1) ?? Number.NaN,
  }
}

/** One GET; true when it answered 200 with a body read to the end. */
async function hit(url: string): Promise<boolean> {
  try {
    const res = await fetch(url)
    await res.arrayBuffer()
    return res.status === 200
  } catch {
    return false
  }
}

/** `concurrency` workers, each sending its next request as soon as the last one answered. */
export async function closedLoop(
  label: string,
  urls: () => string,
  options: { concurrency: number; seconds: number },
): Promise<LoadResult> {
  const latencies: number[] = []
  let errors = 0
  const started = performance.now()
  const end = started + options.seconds * 1000
  const worker = async () => {
    while (performance.now() < end) {
      const sent = performance.now()
      if (await hit(urls())) latencies.push(performance.now() - sent)
      else errors++
    }
  }
  await Promise.all(Array.from({ length: options.concurrency }, worker))
  return summarize(label, latencies, errors, (performance.now() - started) / 1000)
}

/** Requests at `rate` per second for `seconds`, each timed from when it was due. */
export async function openLoop(
  label: string,
  urls: () => string,
  options: { rate: number; seconds: number },
): Promise<LoadResult> {
  const latencies: number[] = []
  let errors = 0
  const inFlight = new Set<Promise<void>>()
  const started = performance.now()
  const total = Math.round(options.rate * options.seconds)
  let sent = 0
  while (sent < total) {
    const now = performance.now()
    // Every request due by now goes out, even if the timer woke late.
    const due = Math.min(total, Math.floor(((now - started) / 1000) * options.rate) + 1)
    for (; sent < due; sent++) {
      const dueAt = started + (sent / options.rate) * 1000
      const request = hit(urls()).then((ok) => {
        if (ok) latencies.push(performance.now() - dueAt)
        else errors++
        inFlight.delete(request)
      })
      inFlight.add(request)
    }
    await Bun.sleep(1)
  }
  await Promise.all(inFlight)
  return summarize(label, latencies, errors, options.seconds)
}

/** CPU seconds a process has used so far (user + system), from /proc; undefined elsewhere. */
export async function cpuSeconds(pid: number): Promise<number | undefined> {
  try {
    const stat = await Bun.file(`/proc/${pid}/stat`).text()
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // clock ticks; 100 Hz on Linux
  } catch {
    return undefined
  }
}

/** CPU seconds used so far by every process whose command name is `name` (e.g. `postgres`). */
export async function cpuSecondsOf(name: string): Promise<number> {
  const { readdir } = await import('node:fs/promises')
  let total = 0
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue
    const comm = await Bun.file(`/proc/${entry}/comm`)
      .text()
      .catch(() => '')
    if (comm.trim() === name) total += (await cpuSeconds(Number(entry))) ?? 0
  }
  return total
}

export function formatResult(result: LoadResult): string {
  const ms = (value: number) => `${value.toFixed(2)} ms`
  return (
    `${result.label.padEnd(44)} ${result.rate.toFixed(0).padStart(7)} req/s  ` +
    `p50 ${ms(result.p50).padStart(9)}  p99 ${ms(result.p99).padStart(9)}  max ${ms(result.max).padStart(9)}  ` +
    `errors ${result.errors}/${result.requests + result.errors}`
  )
}
