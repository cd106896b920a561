// The platform the totals benchmark measures: the README's `bun run dev`, started the way
// packages/e2e's `startPlatform` starts it (own database, vhost and Redis prefix, ports shifted,
// no file watcher), plus a publisher that feeds the totals service captures over RabbitMQ.
import { readdir, readlink } from 'node:fs/promises'
import { type CloudEvent, createEvent, Events, Exchanges } from '@careforall/contracts'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { inheritedEnv } from '@careforall/devkit/testing'
import { createLogger } from '@careforall/logger'
import { type Broker, connectBroker, declareExchanges } from '@careforall/messaging'

export interface BenchPlatform {
  world: TestResources
  gatewayUrl: string
  totalsUrl: string
  /** A bare Bun.serve + fetch proxy in front of the same totals-service: the floor. */
  bareProxyUrl: string
  /** The processes of this platform: the dev runner and each service, by name. */
  pids: Record<string, number>
  publisher: Publisher
  stop(): Promise<void>
}

export interface Publisher {
  /** Publishes a capture of `amountCents` for a campaign, on a confirm channel (not awaited). */
  capture(campaignId: string, amountCents: number): CloudEvent
  /** Resolves once the broker confirmed everything published so far. */
  confirmed(): Promise<void>
}

/**
 * What this run does differently from a developer typing `bun run dev`, printed with the figures
 * so nobody mistakes them for something else.
 */
export const DIFFERENCES_FROM_README = [
  'ports shifted by PORT_OFFSET, a throwaway database, RabbitMQ vhost and Redis prefix (as the e2e tests do)',
  'DEV_WATCH=false (no file watcher)',
  'DATABASE_POOL_MAX=5 (the e2e value: other tests share this PostgreSQL) instead of 10',
  "the runner's stdout goes to this process, which discards it, instead of a terminal",
]

const root = new URL('../../../', import.meta.url).pathname
const SERVICE_PORTS = { gateway: 0, auth: 1, campaign: 2, pledge: 3, payment: 4, totals: 5, chat: 6 } as const

/** An offset that puts all seven ports (3000–3006 + offset) on ports nobody listens on. */
function freeOffset(): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 20_000 + Math.floor(Math.random() * 20_000)
    const taken = Object.values(SERVICE_PORTS).some((index) => {
      try {
        Bun.serve({ port: 3000 + offset + index, hostname: '0.0.0.0', fetch: () => new Response() }).stop(
          true,
        )
        return false
      } catch {
        return true
      }
    })
    if (!taken) return offset
  }
  throw new Error('no free port range for the platform')
}

/** Every descendant of `rootPid` (children first found through /proc's parent links). */
async function descendants(rootPid: number): Promise<number[]> {
  const parents = new Map<number, number>()
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue
    const stat = await Bun.file(`/proc/${entry}/stat`)
      .text()
      .catch(() => '')
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1])
    if (ppid) parents.set(Number(entry), ppid)
  }
  const found: number[] = []
  const isBelow = (pid: number): boolean => {
    for (let p = parents.get(pid); p !== undefined; p = parents.get(p)) if (p === rootPid) return true
    return false
  }
  for (const pid of parents.keys()) if (isBelow(pid)) found.push(pid)
  return found
}

/** The dev runner and each service process of the platform started as `rootPid`. */
async function platformPids(rootPid: number): Promise<Record<string, number>> {
  const pids: Record<string, number> = {}
  for (const pid of await descendants(rootPid)) {
    const cwd = await readlink(`/proc/${pid}/cwd`).catch(() => '')
    const cmdline = await Bun.file(`/proc/${pid}/cmdline`)
      .text()
      .catch(() => '')
    const service = /\/apps\/([a-z]+)-service$/.exec(cwd)?.[1]
    if (service) pids[service] = pid
    else if (cmdline.includes('devkit/src/dev.ts')) pids['dev runner'] = pid
  }
  return pids
}

/** Starts `bun run dev` on a throwaway world and waits until it says it is running. */
async function startDev(world: TestResources, env: Record<string, string>) {
  const portOffset = freeOffset()
  const proc = Bun.spawn(['bun', 'run', 'dev'], {
    cwd: root,
    env: {
      ...inheritedEnv,
      DATABASE_NAME: world.database,
      RABBITMQ_URL: world.rabbitmqUrl,
      REDIS_PREFIX: world.redisPrefix,
      PORT_OFFSET: String(portOffset),
      DEV_WATCH: 'false',
      DATABASE_POOL_MAX: '5',
      ...env,
    },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  // Read until the runner says it is running, then only drained (as a terminal would read it):
  // at 10,000 requests a second the services log megabytes a second, and a benchmark that decoded
  // or kept them would spend the cores it is measuring.
  let tail = ''
  let isRunning = false
  let running = () => {}
  const started = new Promise<void>((resolve) => {
    running = resolve
  })
  const drain = async (stream: ReadableStream<Uint8Array>) => {
    const decoder = new TextDecoder()
    for await (const chunk of stream) {
      if (isRunning) continue
      tail = (tail + decoder.decode(chunk, { stream: true })).slice(-20_000)
      if (tail.includes('Care For All is running')) {
        isRunning = true
        running()
      }
    }
  }
  void drain(proc.stdout)
  void drain(proc.stderr)
  const outcome = await Promise.race([
    started.then(() => 'running' as const),
    proc.exited.then(() => 'exited' as const),
    Bun.sleep(180_000).then(() => 'timeout' as const),
  ])
  if (outcome !== 'running') {
    proc.kill('SIGKILL')
    throw new Error(`the platform did not start (${outcome}):\n${tail.slice(-5000)}`)
  }
  const url = (name: keyof typeof SERVICE_PORTS) =>
    `http://127.0.0.1:${3000 + portOffset + SERVICE_PORTS[name]}`
  return { proc, gatewayUrl: url('gateway'), totalsUrl: url('totals') }
}

async function createPublisher(broker: Broker): Promise<Publisher> {
  const channel = await broker.connection.createConfirmChannel()
  await declareExchanges(channel)
  return {
    capture: (campaignId, amountCents) => {
      const paymentId = crypto.randomUUID()
      const event = createEvent({
        id: Bun.randomUUIDv7(),
        source: 'payment-service',
        type: Events.PaymentCaptured,
        subject: paymentId,
        data: {
          paymentId,
          pledgeId: crypto.randomUUID(),
          campaignId,
          donorKey: `g:bench-${paymentId.slice(0, 8)}`,
          amountCents,
          providerTransactionId: `tx_${paymentId}`,
        },
      })
      channel.publish(Exchanges.payment, event.type, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        messageId: event.id,
        type: event.type,
        contentType: 'application/cloudevents+json; charset=utf-8',
      })
      return event
    },
    confirmed: () => channel.waitForConfirms(),
  }
}

/** Starts the bare proxy (totals-bare-proxy.ts) in front of `upstream`, as a process of its own. */
async function startBareProxy(upstream: string): Promise<{ url: string; proc: Bun.Subprocess }> {
  const server = Bun.serve({ port: 0, fetch: () => new Response() })
  const port = server.port
  server.stop(true)
  const proc = Bun.spawn(
    [process.execPath, `${import.meta.dir}/totals-bare-proxy.ts`, String(port), upstream],
    {
      stdout: 'ignore',
      stderr: 'inherit',
    },
  )
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 100; attempt++) {
    const up = await fetch(`${url}/health`).then(
      (res) => res.ok,
      () => false,
    )
    if (up) return { url, proc }
    await Bun.sleep(50)
  }
  throw new Error('the bare proxy did not start')
}

/**
 * Starts everything. `env` is passed to `bun run dev` (and so to every service), for diagnostics
 * such as `OTEL_SDK_DISABLED=true`; the figures that count are taken without any.
 */
export async function startBenchPlatform(env: Record<string, string> = {}): Promise<BenchPlatform> {
  const world = await createTestResources()
  const dev = await startDev(world, env)
  const broker = await connectBroker({
    url: world.rabbitmqUrl,
    logger: createLogger({ serviceName: 'bench', level: 'silent' }),
    name: 'totals-bench-publisher',
  })
  await broker.connection.waitForConnect()
  const bare = await startBareProxy(dev.totalsUrl)
  return {
    world,
    gatewayUrl: dev.gatewayUrl,
    totalsUrl: dev.totalsUrl,
    bareProxyUrl: bare.url,
    pids: { ...(await platformPids(dev.proc.pid)), 'bare proxy': bare.proc.pid },
    publisher: await createPublisher(broker),
    stop: async () => {
      bare.proc.kill()
      dev.proc.kill('SIGTERM')
      await Promise.race([dev.proc.exited, Bun.sleep(20_000)])
      if (dev.proc.exitCode === null) dev.proc.kill('SIGKILL')
      await broker.close()
      await world.cleanup()
    },
  }
}
