import type { TestResources } from '@careforall/db/testing'
import { freePort, inheritedEnv } from '@careforall/devkit/testing'

export interface RunningPlatform {
  gateway: string
  portOffset: number
  /** A service's own base URL (for its internal routes and the sandbox API). */
  serviceUrl(name: 'auth' | 'campaign' | 'pledge' | 'payment' | 'totals' | 'chat'): string
  output(): string
  stop(): Promise<number>
}

const SERVICE_PORTS = { auth: 1, campaign: 2, pledge: 3, payment: 4, totals: 5, chat: 6 } as const

const root = new URL('../../../', import.meta.url).pathname

/** An offset that puts all seven ports (3000–3006 + offset) on free ports. */
function freeOffset(): number {
  for (let attempt = 0; attempt < 50; attempt++) {
    const offset = 20_000 + Math.floor(Math.random() * 20_000)
    const ports = Array.from({ length: 7 }, (_, i) => 3000 + offset + i)
    const taken = ports.some((port) => {
      try {
        Bun.serve({ port, hostname: '0.0.0.0', fetch: () => new Response() }).stop(true)
        return false
      } catch {
        return true
      }
    })
    if (!taken) return offset
  }
  return freePort() - 3000
}

/**
 * Starts the whole platform exactly as the README says (`bun run dev`), pointed at a test world's
 * database and vhost and shifted to free ports, and waits until it prints that it is running.
 */
export async function startPlatform(
  world: TestResources,
  options: { env?: Record<string, string>; timeoutMs?: number } = {},
): Promise<RunningPlatform> {
  const timeoutMs = options.timeoutMs ?? 120_000
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
      DEV_RAW_LOGS: 'true',
      // Seven services beside another package's tests on one PostgreSQL (max_connections 100).
      DATABASE_POOL_MAX: '5',
      ...options.env,
    },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let output = ''
  let running: () => void = () => {}
  const started = new Promise<void>((resolve) => {
    running = resolve
  })
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) {
      output += new TextDecoder().decode(chunk)
      if (output.includes('Care For All is running')) running()
    }
  }
  void collect(proc.stdout)
  void collect(proc.stderr)
  const outcome = await Promise.race([
    started.then(() => 'running' as const),
    proc.exited.then(() => 'exited' as const),
    Bun.sleep(timeoutMs).then(() => 'timeout' as const),
  ])
  if (outcome !== 'running') {
    proc.kill('SIGKILL')
    throw new Error(`the platform did not start (${outcome}):\n${output.slice(-5000)}`)
  }
  return {
    gateway: `http://127.0.0.1:${3000 + portOffset}`,
    portOffset,
    serviceUrl: (name) => `http://127.0.0.1:${3000 + portOffset + SERVICE_PORTS[name]}`,
    output: () => output,
    stop: async () => {
      proc.kill('SIGTERM')
      return proc.exited
    },
  }
}
