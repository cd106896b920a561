import { closeSync, existsSync, mkdirSync, openSync, readdirSync } from 'node:fs'
import { rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { inheritedEnv } from './env'
import { isLocal, type Server, type ServerName } from './servers'

/**
 * How a server installed on this machine is started (what `.ci/run` did in bash before; it now
 * calls this module, through `bun packages/devkit/src/preflight.ts`, so CI and `bun run dev`
 * cannot drift). Debian's packages as this machine has them: one PostgreSQL cluster `main`
 * under /etc/postgresql, `rabbitmq-server`, `redis-server`. Starting them needs root (or their
 * own user); when it fails, the preflight prints the command for the user to run.
 */
export interface StartCommand {
  /** Shown to the user: what they would type. */
  text: string
  cmd: string[]
  /** Prepares what the command needs (Redis' data and log folders). */
  prepare?: () => void
  /** How long the server may take to answer after the command returns. */
  waitMs: number
}

const SEARCH_PATH = `${inheritedEnv.PATH ?? ''}:/usr/sbin:/sbin:/usr/local/sbin`

const which = (command: string) => Bun.which(command, { PATH: SEARCH_PATH })

function postgresVersion(): string | undefined {
  try {
    return readdirSync('/etc/postgresql')
      .filter((version) => existsSync(`/etc/postgresql/${version}/main`))
      .sort((a, b) => Number(b) - Number(a))[0]
  } catch {
    return undefined
  }
}

function redisDirs(): { dir: string; logfile: string } {
  const root = process.getuid?.() === 0
  const dir = root ? '/var/lib/redis' : join(tmpdir(), 'careforall-redis')
  const logs = root ? '/var/log/redis' : dir
  return { dir, logfile: join(logs, 'careforall.log') }
}

/** The command that starts the locally installed server, or undefined when none is installed. */
export function localStartCommand(name: ServerName, port: number): StartCommand | undefined {
  if (name === 'postgres') {
    const version = postgresVersion()
    const ctl = which('pg_ctlcluster')
    if (!version || !ctl) return undefined
    return {
      text: `pg_ctlcluster --skip-systemctl-redirect ${version} main start`,
      cmd: [ctl, '--skip-systemctl-redirect', version, 'main', 'start'],
      waitMs: 30_000,
    }
  }
  if (name === 'rabbitmq') {
    const server = which('rabbitmq-server')
    if (!server) return undefined
    // The broker boots for a while after -detached returns; its listener opens last.
    return { text: 'rabbitmq-server -detached', cmd: [server, '-detached'], waitMs: 120_000 }
  }
  const server = which('redis-server')
  if (!server) return undefined
  const { dir, logfile } = redisDirs()
  const args = ['--daemonize', 'yes', '--bind', '127.0.0.1', '-::1', '--port', String(port)]
  const rest = ['--save', '', '--appendonly', 'no', '--dir', dir, '--logfile', logfile]
  return {
    text: `redis-server ${args.join(' ')} --save "" --appendonly no --dir ${dir} --logfile ${logfile}`,
    cmd: [server, ...args, ...rest],
    prepare: () => {
      mkdirSync(dir, { recursive: true })
      mkdirSync(join(logfile, '..'), { recursive: true })
    },
    waitMs: 10_000,
  }
}

export type RunCommand = (command: StartCommand) => Promise<{ ok: boolean; output: string }>

/**
 * Runs a start command to its end, keeping what it printed. Each of them leaves a daemon behind:
 * it runs in a session of its own (`setsid`), so a Ctrl-C meant for `bun run dev` does not reach
 * the server, and prints into a file rather than a pipe the daemon could hold open forever.
 */
export const runCommand: RunCommand = async (command) => {
  command.prepare?.()
  const log = join(tmpdir(), `careforall-start-${process.pid}-${Date.now()}.log`)
  const setsid = which('setsid')
  const fd = openSync(log, 'w')
  const proc = Bun.spawn(setsid ? [setsid, '--wait', ...command.cmd] : command.cmd, {
    stdin: 'ignore',
    stdout: fd,
    stderr: fd,
  })
  const code = await proc.exited
  closeSync(fd)
  const output = await Bun.file(log)
    .text()
    .catch(() => '')
  await rm(log, { force: true })
  return { ok: code === 0, output: output.trim() }
}

/** A start command applies only to the address a local install listens on. */
export function startsHere(server: Server): boolean {
  return isLocal(server) && server.port === server.defaultPort
}
