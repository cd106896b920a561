// Saturation through wrk when the machine has it (Debian `wrk`): a C load generator needs a
// fraction of the CPU a Bun one does, which matters when it shares two cores with what it measures.
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { LoadResult } from './totals-load'

/** wrk's durations (`812.00us`, `1.23ms`, `2.00s`) in milliseconds. */
function millis(text: string | undefined): number {
  const match = /^([\d.]+)(us|ms|s|m)$/.exec(text ?? '')
  if (!match) return Number.NaN
  const value = Number(match[1])
  return { us: value / 1000, ms: value, s: value * 1000, m: value * 60_000 }[
    match[2] as 'us' | 'ms' | 's' | 'm'
  ]
}

export function hasWrk(): boolean {
  return Bun.which('wrk') !== null
}

/** Closed loop with wrk (`threads` threads, `concurrency` keep-alive connections), cycling through `urls`. */
export async function wrkLoad(
  label: string,
  urls: string[],
  options: { concurrency: number; seconds: number; threads?: number },
): Promise<LoadResult> {
  const base = new URL(urls[0]!)
  const paths = urls.map((url) => JSON.stringify(new URL(url).pathname)).join(',')
  const script = join(tmpdir(), `totals-bench-${process.pid}.lua`)
  await Bun.write(
    script,
    // Each wrk thread runs its own copy of the script; a random start spreads them over the paths.
    `local paths = {${paths}}\nlocal i = math.random(#paths)\nrequest = function()\n  i = i + 1\n` +
      `  return wrk.format("GET", paths[(i % #paths) + 1])\nend\n`,
  )
  const proc = Bun.spawn(
    [
      'wrk',
      `-t${options.threads ?? 2}`,
      `-c${options.concurrency}`,
      `-d${options.seconds}s`,
      '--latency',
      '-s',
      script,
      base.origin,
    ],
    { stdout: 'pipe', stderr: 'pipe' },
  )
  const out = await new Response(proc.stdout).text()
  if ((await proc.exited) !== 0) throw new Error(`wrk failed: ${await new Response(proc.stderr).text()}`)
  const requests = Number(/(\d+) requests in ([\d.]+)(\w+)/.exec(out)?.[1] ?? 0)
  const seconds = millis(/\d+ requests in ([\d.]+\w+)/.exec(out)?.[1]) / 1000
  const non2xx = Number(/Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? 0)
  const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(out)
  const errors = non2xx + (socket ? socket.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0)
  return {
    label,
    requests: requests - non2xx,
    errors,
    seconds,
    rate: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0),
    p50: millis(/ 50%\s+(\S+)/.exec(out)?.[1]),
    p99: millis(/ 99%\s+(\S+)/.exec(out)?.[1]),
    max: millis(/Latency\s+\S+\s+\S+\s+(\S+)/.exec(out)?.[1]),
    generatorCpuSeconds: Number(proc.resourceUsage()?.cpuTime.total ?? 0) / 1e6,
  }
}
