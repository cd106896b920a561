import type { TestResources } from '@careforall/db/testing'
import { inheritedEnv } from '../env'
import { type ServiceName, serviceDir } from '../platform'

export interface RunningService {
  url: string
  port: number
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  /** Everything the process printed so far (JSON log lines). */
  output(): string
  /** SIGTERM, then wait for the exit code. */
  stop(): Promise<number>
}

/** A port nobody listens on right now. */
export function freePort(): number {
  const server = Bun.serve({ port: 0, fetch: () => new Response() })
  const port = server.port!
  server.stop(true)
  return port
}

/** The environment a service needs to run inside a test world (its own database and vhost). */
export function worldEnv(world: TestResources, schema: string | undefined): Record<string, string> {
  return {
    RABBITMQ_URL: world.rabbitmqUrl,
    REDIS_URL: world.redisUrl,
    REDIS_PREFIX: world.redisPrefix,
    ...(schema ? { DATABASE_URL: world.databaseUrl(schema) } : {}),
    SANDBOX_DATABASE_URL: world.databaseUrl('sandbox'),
    LOG_LEVEL: 'info',
    NODE_ENV: 'test',
    // Test files of two packages run at once, each with its services: small pools keep the sum
    // far below the server's max_connections.
    DATABASE_POOL_MAX: '4',
  }
}

/**
 * Starts a service as the real process `bun src/index.ts` (telemetry preloaded, as in dev and
 * production) and waits until its `/ready` answers 200.
 */
export async function spawnService(
  name: ServiceName,
  env: Record<string, string>,
  options: { readyTimeoutMs?: number } = {},
): Promise<RunningService> {
  const port = Number(env.PORT ?? freePort())
  const proc = Bun.spawn([process.execPath, '--preload', '@careforall/otel/register', 'src/index.ts'], {
    cwd: serviceDir(name),
    env: { ...inheritedEnv, OTEL_SERVICE_NAME: `${name}-service`, ...env, PORT: String(port) },
    stdin: 'ignore',
    stdout: 'pipe',
    stderr: 'pipe',
  })
  let output = ''
  const collect = async (stream: ReadableStream<Uint8Array>) => {
    for await (const chunk of stream) output += new TextDecoder().decode(chunk)
  }
  void collect(proc.stdout)
  void collect(proc.stderr)
  const url = `http://127.0.0.1:${port}`
  const deadline = Date.now() + (options.readyTimeoutMs ?? 20_000)
  while (Date.now() < deadline) {
    if (proc.exitCode !== null) throw new Error(`${name}-service exited with ${proc.exitCode}:\n${output}`)
    const ok = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(1000) })
      .then((res) => res.ok)
      .catch(() => false)
    if (ok) {
      return {
        url,
        port,
        proc,
        output: () => output,
        stop: async () => {
          if (proc.exitCode === null) proc.kill('SIGTERM')
          return proc.exited
        },
      }
    }
    await Bun.sleep(100)
  }
  proc.kill('SIGKILL')
  throw new Error(`${name}-service was not ready in time:\n${output}`)
}
