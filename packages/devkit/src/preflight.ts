import { existsSync } from 'node:fs'
import { devEnv } from './env'
import {
  localStartCommand,
  type RunCommand,
  runCommand,
  type StartCommand,
  startsHere,
} from './local-servers'
import { addressOf, configuredServers, isLocal, type Probe, probe, redact, type Server } from './servers'

export interface PreflightOptions {
  /** Start a server installed here that is stopped (`DEV_START_SERVERS`). */
  start: boolean
  servers?: Server[]
  probe?: Probe
  startCommand?: (server: Server) => StartCommand | undefined
  run?: RunCommand
  /** Progress lines (a server being started, then up). */
  log?: (line: string) => void
  /** Whether `docker compose up` can provide the servers (the compose file exists). */
  compose?: boolean
  pollMs?: number
}

interface Missing {
  server: Server
  reason: string
  command: StartCommand | undefined
  /** What starting it printed, when we tried and it did not come up. */
  startFailure?: string
}

export interface PreflightResult {
  ok: boolean
  started: Server[]
  missing: Missing[]
  /** The one block to print when something is missing. */
  message?: string
}

const root = new URL('../../../', import.meta.url).pathname

/**
 * Checks PostgreSQL, RabbitMQ and Redis at the addresses their variables name, before anything
 * starts; starts the ones installed here but stopped (when allowed); and otherwise explains, in
 * one block, what is missing and how to get it.
 */
export async function preflight(options: PreflightOptions): Promise<PreflightResult> {
  const servers = options.servers ?? configuredServers()
  const check = options.probe ?? probe
  const commandFor = options.startCommand ?? ((s: Server) => localStartCommand(s.name, s.port))
  const run = options.run ?? runCommand
  const log = options.log ?? ((line: string) => console.log(line))
  const started: Server[] = []
  const missing: Missing[] = []

  await Promise.all(
    servers.map(async (server) => {
      const first = await check(server)
      if (first.up) return
      const command = startsHere(server) ? commandFor(server) : undefined
      if (!options.start || !command) {
        missing.push({ server, reason: first.reason, command })
        return
      }
      log(`${server.title} is not running at ${addressOf(server)}; starting it: ${command.text}`)
      const begun = Date.now()
      const result = await run(command)
      const up = await waitUntilUp(server, check, command.waitMs, options.pollMs ?? 500)
      if (up) {
        log(`${server.title} started (${((Date.now() - begun) / 1000).toFixed(1)} s)`)
        started.push(server)
        return
      }
      const said = result.output.split('\n').find((line) => line.trim()) ?? ''
      missing.push({
        server,
        reason: first.reason,
        command,
        startFailure: result.ok ? 'it did not answer in time' : `it failed${said ? `: ${said}` : ''}`,
      })
    }),
  )
  if (missing.length === 0) return { ok: true, started, missing }
  missing.sort((a, b) => servers.indexOf(a.server) - servers.indexOf(b.server))
  const compose = options.compose ?? existsSync(`${root}docker-compose.yml`)
  return { ok: false, started, missing, message: explain(missing, compose) }
}

async function waitUntilUp(server: Server, check: Probe, waitMs: number, pollMs: number): Promise<boolean> {
  const deadline = Date.now() + waitMs
  while (Date.now() < deadline) {
    if ((await check(server)).up) return true
    await Bun.sleep(pollMs)
  }
  return (await check(server)).up
}

/** The settings that point the developer commands at docker-compose.yml's servers (its defaults). */
export const COMPOSE_SERVERS_ENV =
  'DATABASE_ADMIN_URL=postgres://postgres:careforall-dev-postgres@127.0.0.1:5432/postgres ' +
  'SERVICE_DB_PASSWORD=careforall-dev-db RABBITMQ_URL=amqp://careforall:careforall-dev-rabbitmq@127.0.0.1:5672'

/** Which server, where, under which variable, and the ways to get one: one short block. */
export function explain(missing: Missing[], compose: boolean): string {
  const lines = [`Not reachable, so nothing was started:`]
  for (const { server, reason, command, startFailure } of missing) {
    lines.push(
      '',
      `  ${server.title} at ${addressOf(server)} (${server.variable}=${redact(server.url)}): ${reason}`,
    )
    if (command && startFailure)
      lines.push(`    - starting it with \`${command.text}\` ${startFailure}; run that as root`)
    else if (command) lines.push(`    - it is installed here; start it: ${command.text}`)
    else if (startsHere(server))
      lines.push(`    - install it (Debian: apt-get install ${server.aptPackage}) and start it`)
    else if (isLocal(server))
      lines.push(`    - start one on port ${server.port}, or use the default port ${server.defaultPort}`)
    else lines.push(`    - check that it runs on ${server.host}`)
    lines.push(`    - or point ${server.variable} at a running one: ${server.variable}=${server.example}`)
  }
  if (compose)
    lines.push(
      '',
      '  Or run all three in Docker: docker compose up -d postgres rabbitmq redis',
      "    and use them with compose's defaults (docker-compose.yml publishes them on 127.0.0.1):",
      `    ${COMPOSE_SERVERS_ENV}`,
    )
  return lines.join('\n')
}

/**
 * The preflight of a command: on success it returns (having started what it could), otherwise it
 * prints the block and exits non-zero (`bun run test` first prints its closing count line).
 */
export async function requireServers(options: { onMissing?: () => void } = {}): Promise<void> {
  const result = await preflight({ start: devEnv.DEV_START_SERVERS })
  if (result.ok) return
  console.error(result.message)
  options.onMissing?.()
  process.exit(1)
}

// `.ci/run` and anyone who wants the servers up: starts what is installed here and stopped.
if (import.meta.main) {
  await requireServers()
  for (const server of configuredServers()) console.log(`${server.title} answers at ${addressOf(server)}`)
}
