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

/** A Bun process of ours, with telemetry preloaded as in dev and production, and what it printed. */
export interface SpawnedProcess {
  proc: Bun.Subprocess<'ignore', 'pipe', 'pipe'>
  /** Everything the process printed so far (stdout and stderr). */
  output(): string
}

/** Runs `bun --preload @careforall/otel/register <entry>` in `cwd`, collecting its output. */
export function spawnBun(
  entry: string,
  options: { cwd: string; env: Record<string, string> },
): SpawnedProcess {
  const proc = Bun.spawn([process.execPath, '--preload', '@careforall/otel/register', entry], {
    cwd: options.cwd,
    env: { ...inheritedEnv, ...options.env },
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
  return { proc, output: () => output }
}

/** Polls `url` until it answers 2xx; fails when `proc` exits first or the time runs out. */
export async function waitUntilAnswers(
  url: string,
  spawned: SpawnedProcess,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (spawned.proc.exitCode !== null) {
      throw new Error(`exited with ${spawned.proc.exitCode}:\n${spawned.output()}`)
    }
    const ok = await fetch(url, { signal: AbortSignal.timeout(1000) })
      .then((res) => res.ok)
      .catch(() => false)
    if (ok) return
    await Bun.sleep(100)
  }
  spawned.proc.kill('SIGKILL')
  throw new Error(`${url} did not answer in time:\n${spawned.output()}`)
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
  const spawned = spawnBun('src/index.ts', {
    cwd: serviceDir(name),
    env: { OTEL_SERVICE_NAME: `${name}-service`, ...env, PORT: String(port) },
  })
  const url = `http://127.0.0.1:${port}`
  await waitUntilAnswers(`${url}/ready`, spawned, options.readyTimeoutMs).catch((error: Error) => {
    throw new Error(`${name}-service: ${error.message}`)
  })
  const { proc } = spawned
  return {
    url,
    port,
    proc,
    output: spawned.output,
    stop: async () => {
      if (proc.exitCode === null) proc.kill('SIGTERM')
      return proc.exited
    },
  }
}
