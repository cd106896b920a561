// `bun run bench`: commit→consumed latency through outbox, relay, RabbitMQ and inbox at a
// steady 500 events/s, then the saturation throughput. Everything (producer, relay, consumer)
// runs in this one process, next to PostgreSQL and RabbitMQ on the same machine.
import { cpus, loadavg } from 'node:os'
import { startPipeline } from './pipeline'
import { atRate, summarize } from './stats'

const RATE = 500
const SECONDS = 10
const WARMUP_SECONDS = 1
const SATURATION_SECONDS = 8
const SATURATION_WORKERS = 32
const BATCH = 50
const TARGET_P99_MS = 50

const committedAt = new Map<string, number>()
/** Consumed before the producer's own commit callback ran (its event loop was busy): latency ≈ 0. */
const consumedEarly = new Set<string>()
const latencies: number[] = []
let consumed = 0
let recording = false
const record = (latency: number) => {
  if (recording) latencies.push(Math.max(0, latency))
}
const pipeline = await startPipeline((id) => {
  consumed++
  const start = committedAt.get(id)
  if (start === undefined) {
    if (recording) consumedEarly.add(id)
    return
  }
  committedAt.delete(id)
  record(performance.now() - start)
})

function committed(id: string): void {
  if (consumedEarly.delete(id)) record(0)
  else committedAt.set(id, performance.now())
}

async function waitUntilConsumed(count: number, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (consumed < count && Date.now() < deadline) await Bun.sleep(5)
}

/** Open loop: event i is committed at start + i/rate, whether or not earlier ones are done. */
async function offer(rate: number, seconds: number): Promise<number> {
  const total = rate * seconds
  await atRate(rate, total, () => pipeline.emit().then(([id]) => committed(id!)))
  return total
}

/** Closed-loop producers for a while; rates of commits, and of consumption until drained. */
async function saturate(perTransaction: number): Promise<{ committed: number; consumed: number }> {
  const before = consumed
  let committed = 0
  const started = performance.now()
  const until = started + SATURATION_SECONDS * 1000
  await Promise.all(
    Array.from({ length: SATURATION_WORKERS }, async () => {
      while (performance.now() < until) {
        const ids = await pipeline.emit(perTransaction)
        committed += ids.length
      }
    }),
  )
  const producedIn = (performance.now() - started) / 1000
  await waitUntilConsumed(before + committed, 120_000)
  const drainedIn = (performance.now() - started) / 1000
  return {
    committed: Math.round(committed / producedIn),
    consumed: Math.round((consumed - before) / drainedIn),
  }
}

try {
  console.log(
    `messaging benchmark: outbox → relay → RabbitMQ → inbox (${cpus().length} cores, one process, ` +
      `load average ${loadavg()[0]!.toFixed(2)} at start)`,
  )
  const warm = await offer(RATE, WARMUP_SECONDS)
  await waitUntilConsumed(warm)

  recording = true
  const offered = await offer(RATE, SECONDS)
  await waitUntilConsumed(warm + offered)
  recording = false
  const figures = summarize(latencies)
  const p99 = Number.parseFloat(figures.p99)
  console.log(
    `offered ${RATE} events/s for ${SECONDS} s: ${offered} committed, ${latencies.length} consumed; ` +
      `commit→consumed p50 ${figures.p50}, p90 ${figures.p90}, p99 ${figures.p99}, max ${figures.max} ` +
      `(target p99 ≤ ${TARGET_P99_MS} ms: ${p99 <= TARGET_P99_MS ? 'met' : 'MISSED'})`,
  )

  // Saturation: producers flat out; throughput counted where events are applied, the consumer.
  const single = await saturate(1)
  console.log(
    `saturation, one event per producer transaction (${SATURATION_WORKERS} producers, ${SATURATION_SECONDS} s): ` +
      `${single.committed} events/s committed, ${single.consumed} events/s end to end`,
  )
  const batched = await saturate(BATCH)
  console.log(
    `saturation, ${BATCH} events per producer transaction (the relay and consumer are the limit): ` +
      `${batched.committed} events/s committed, ${batched.consumed} events/s end to end`,
  )
} finally {
  await pipeline.close()
}
