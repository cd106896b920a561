import { devEnv } from './env'

/** The three servers the platform needs, each at the address one variable names. */
export type ServerName = 'postgres' | 'rabbitmq' | 'redis'

export interface Server {
  name: ServerName
  /** As people write it: `RabbitMQ`. */
  title: string
  variable: 'DATABASE_ADMIN_URL' | 'RABBITMQ_URL' | 'REDIS_URL'
  url: string
  host: string
  port: number
  /** The port a server installed here listens on; only there does `bun run dev` start one. */
  defaultPort: number
  /** What to write into the variable to use a server elsewhere. */
  example: string
  /** The Debian package that provides it. */
  aptPackage: string
}

const LOCAL_HOSTS = new Set(['127.0.0.1', 'localhost', '::1', '[::1]'])

function parse(url: string, defaultPort: number): { host: string; port: number } {
  try {
    const parsed = new URL(url)
    return { host: parsed.hostname.replace(/^\[|\]$/g, ''), port: Number(parsed.port || defaultPort) }
  } catch {
    return { host: url, port: defaultPort }
  }
}

type Kind = Omit<Server, 'url' | 'host' | 'port'>

const KINDS: Kind[] = [
  {
    name: 'postgres',
    title: 'PostgreSQL',
    variable: 'DATABASE_ADMIN_URL',
    defaultPort: 5432,
    example: 'postgres://user:password@host:5432/postgres',
    aptPackage: 'postgresql',
  },
  {
    name: 'rabbitmq',
    title: 'RabbitMQ',
    variable: 'RABBITMQ_URL',
    defaultPort: 5672,
    example: 'amqp://user:password@host:5672/vhost',
    aptPackage: 'rabbitmq-server',
  },
  {
    name: 'redis',
    title: 'Redis',
    variable: 'REDIS_URL',
    defaultPort: 6379,
    example: 'redis://host:6379',
    aptPackage: 'redis-server',
  },
]

/** The servers as this process's environment names them. */
export function configuredServers(env: Pick<typeof devEnv, Server['variable']> = devEnv): Server[] {
  return KINDS.map((kind) => {
    const url = env[kind.variable]
    const tls = kind.name === 'rabbitmq' && url.startsWith('amqps:')
    return { ...kind, url, ...parse(url, tls ? 5671 : kind.defaultPort) }
  })
}

export function isLocal(server: Pick<Server, 'host'>): boolean {
  return LOCAL_HOSTS.has(server.host)
}

/** `host:port`, with IPv6 hosts in brackets. */
export function addressOf(server: Pick<Server, 'host' | 'port'>): string {
  return server.host.includes(':') ? `[${server.host}]:${server.port}` : `${server.host}:${server.port}`
}

/** The URL without its password, fit to print. */
export function redact(url: string): string {
  try {
    const parsed = new URL(url)
    if (parsed.password) parsed.password = '***'
    return parsed.toString()
  } catch {
    return url
  }
}

/** The first bytes each server answers to: proof that it is that server, not just an open port. */
const HELLO: Record<ServerName, { send: Uint8Array; answers: (first: Uint8Array) => boolean }> = {
  // SSLRequest: PostgreSQL answers one byte, S or N.
  postgres: {
    send: new Uint8Array([0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f]),
    answers: (b) => b[0] === 0x53 || b[0] === 0x4e,
  },
  // The AMQP 0-9-1 protocol header: the broker answers with a method frame (connection.start).
  rabbitmq: {
    send: new TextEncoder().encode('AMQP\x00\x00\x09\x01'),
    answers: (b) => b[0] === 1 || new TextDecoder().decode(b.slice(0, 4)) === 'AMQP',
  },
  // Redis answers +PONG, or -NOAUTH / -ERR when it wants a password: it is Redis all the same.
  redis: { send: new TextEncoder().encode('PING\r\n'), answers: (b) => b[0] === 0x2b || b[0] === 0x2d },
}

export type ProbeResult = { up: true } | { up: false; reason: string }
export type Probe = (server: Server) => Promise<ProbeResult>

/** Connects to the server's address and checks that what answers speaks its protocol. */
export const probe: Probe = (server) => {
  const hello = HELLO[server.name]
  return new Promise<ProbeResult>((resolve) => {
    let settled = false
    let open: { terminate(): void } | undefined
    const done = (result: ProbeResult) => {
      if (settled) return
      settled = true
      clearTimeout(timer)
      resolve(result)
      open?.terminate()
    }
    const timer = setTimeout(() => done({ up: false, reason: 'no answer within 3 s' }), 3000)
    Bun.connect({
      hostname: server.host,
      port: server.port,
      socket: {
        open: (socket) => {
          open = socket
          socket.write(hello.send)
        },
        data: (_socket, chunk) =>
          done(
            hello.answers(chunk)
              ? { up: true }
              : { up: false, reason: `something else listens there (not ${server.title})` },
          ),
        close: () => done({ up: false, reason: 'it closed the connection without answering' }),
        error: (_socket, error) => done({ up: false, reason: describe(error) }),
        connectError: (_socket, error) => done({ up: false, reason: describe(error) }),
      },
    }).catch((error: Error) => done({ up: false, reason: describe(error) }))
  })
}

function describe(error: Error & { code?: string }): string {
  if (error.code === 'ECONNREFUSED') return 'connection refused (nothing listens there)'
  if (error.code === 'ENOTFOUND' || error.code === 'EAI_NONAME') return 'unknown host'
  return error.code ? `${error.code}: ${error.message}` : error.message
}
