// The chat benchmark (issue 14): `bun packages/bench/src/chat.ts [--sockets=1000] [--posters=20]
// [--seconds=10]`. Starts the platform as the README does (`bun run dev`), opens `sockets` readers
// in one room of a demo campaign through the gateway, and `posters` signed-in users who each post
// a little under the per-user rate limit. Prints the broadcast latency (post sent → frame received
// by every reader), the frames delivered per second, and the memory each socket costs the chat
// service and the gateway. Target: p99 < 50 ms.
import { percentile } from './stats'
import { cpuSeconds } from './totals-load'
import { DIFFERENCES_FROM_README, startBenchPlatform } from './totals-platform'

const args = new Map(Bun.argv.slice(2).map((arg) => arg.replace(/^--/, '').split('=') as [string, string]))
const SOCKETS = Number(args.get('sockets') ?? 1000)
/** Registrations per IP are limited (REGISTER_LIMIT_PER_IP, 20 by default): one poster each. */
const POSTERS = Number(args.get('posters') ?? 20)
const SECONDS = Number(args.get('seconds') ?? 10)
/** Each poster's pace: under the default limit of 10 messages per 10 s per user. */
const PER_POSTER_PER_SECOND = 0.8

async function rssKb(pid: number | undefined): Promise<number> {
  if (!pid) return Number.NaN
  const status = await Bun.file(`/proc/${pid}/status`).text()
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? Number.NaN)
}

function open(url: string, onMessage?: (data: string) => void): Promise<WebSocket> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url)
    if (onMessage) ws.onmessage = (event) => onMessage(String(event.data))
    ws.onopen = () => resolve(ws)
    ws.onerror = () => reject(new Error(`cannot open ${url}`))
  })
}

console.log(
  `chat benchmark: ${SOCKETS} readers and ${POSTERS} posters in one room through the gateway, ` +
    `${SECONDS} s of posting; the platform as \`bun run dev\` starts it, tracing on, except:`,
)
for (const difference of DIFFERENCES_FROM_README) console.log(`  - ${difference}`)
console.log(
  '  - the readers run in this process, on the same two cores (their JSON parsing is in the latency)',
)

const platform = await startBenchPlatform()
try {
  const gateway = platform.gatewayUrl
  const campaigns = (await (await fetch(`${gateway}/api/campaigns?status=ACTIVE&limit=1`)).json()) as {
    items: { id: string }[]
  }
  const room = campaigns.items[0]!.id
  const socketUrl = (token?: string) =>
    `${gateway.replace('http', 'ws')}/api/chat/campaigns/${room}/ws${token ? `?token=${token}` : ''}`

  const posters: string[] = []
  for (let i = 0; i < POSTERS; i++) {
    const res = await fetch(`${gateway}/api/auth/register`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        email: `poster.${i}.${Date.now()}@bench.test`,
        password: 'bench password 123',
        name: `Poster ${i}`,
      }),
    })
    if (res.status !== 201)
      throw new Error(`registering poster ${i} answered ${res.status}: ${await res.text()}`)
    posters.push(((await res.json()) as { accessToken: string }).accessToken)
  }

  const pids = { chat: platform.pids.chat, gateway: platform.pids.gateway }
  const before = { chat: await rssKb(pids.chat), gateway: await rssKb(pids.gateway) }
  const latencies: number[] = []
  let delivered = 0
  const onMessage = (data: string) => {
    const frame = JSON.parse(data) as { type: string; message?: string }
    if (frame.type !== 'message' || !frame.message?.startsWith('bench ')) return
    delivered++
    latencies.push(performance.now() - Number(frame.message.slice(6)))
  }
  const readers: WebSocket[] = []
  for (let i = 0; i < SOCKETS; i += 50) {
    readers.push(
      ...(await Promise.all(
        Array.from({ length: Math.min(50, SOCKETS - i) }, () => open(socketUrl(), onMessage)),
      )),
    )
  }
  await Bun.sleep(1000)
  const after = { chat: await rssKb(pids.chat), gateway: await rssKb(pids.gateway) }
  const refusals = new Map<string, number>()
  const onWriterMessage = (data: string) => {
    const frame = JSON.parse(data) as { type: string; code?: string }
    if (frame.type === 'error') refusals.set(frame.code!, (refusals.get(frame.code!) ?? 0) + 1)
  }
  const writers = await Promise.all(posters.map((token) => open(socketUrl(token), onWriterMessage)))

  const cpuBefore = { chat: await cpuSeconds(pids.chat ?? 0), gateway: await cpuSeconds(pids.gateway ?? 0) }
  const started = performance.now()
  let sent = 0
  const total = Math.floor(POSTERS * PER_POSTER_PER_SECOND * SECONDS)
  for (let i = 0; i < total; i++) {
    const due = started + (i * 1000) / (POSTERS * PER_POSTER_PER_SECOND)
    const wait = due - performance.now()
    if (wait > 1) await Bun.sleep(wait)
    writers[i % POSTERS]!.send(JSON.stringify({ message: `bench ${performance.now()}` }))
    sent++
  }
  const expected = sent * SOCKETS
  const deadline = performance.now() + 10_000
  while (delivered < expected && performance.now() < deadline) await Bun.sleep(50)
  const elapsed = (performance.now() - started) / 1000
  const cpuAfter = { chat: await cpuSeconds(pids.chat ?? 0), gateway: await cpuSeconds(pids.gateway ?? 0) }

  if (refusals.size > 0)
    console.log(`posts refused: ${[...refusals].map(([code, n]) => `${code} ${n}`).join(', ')}`)
  const sorted = latencies.sort((a, b) => a - b)
  const p50 = percentile(sorted, 50)
  const p99 = percentile(sorted, 99)
  console.log(
    `\n${sent} messages to ${SOCKETS} readers: ${delivered}/${expected} frames delivered, ` +
      `${Math.round(delivered / elapsed)} frames/s, broadcast latency p50 ${p50.toFixed(1)} ms, ` +
      `p99 ${p99.toFixed(1)} ms, max ${(sorted.at(-1) ?? Number.NaN).toFixed(1)} ms`,
  )
  const perSocket = (name: 'chat' | 'gateway') => ((after[name] - before[name]) / SOCKETS).toFixed(1)
  console.log(
    `memory per socket: chat-service ${perSocket('chat')} KiB, gateway ${perSocket('gateway')} KiB ` +
      `(RSS ${before.chat} → ${after.chat} KiB and ${before.gateway} → ${after.gateway} KiB)`,
  )
  const cpu = (name: 'chat' | 'gateway') => (((cpuAfter[name] ?? 0) - (cpuBefore[name] ?? 0)) / elapsed) * 100
  console.log(
    `CPU while posting: chat-service ${cpu('chat').toFixed(0)}%, gateway ${cpu('gateway').toFixed(0)}% of a core`,
  )
  console.log(`${p99 < 50 ? 'met   ' : 'MISSED'} broadcast p99 < 50 ms (${p99.toFixed(1)} ms)`)
  for (const ws of [...readers, ...writers]) ws.close()
} finally {
  await platform.stop()
}
process.exit(0)
