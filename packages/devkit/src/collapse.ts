import { addressOf, type Server, type ServerName } from './servers'

/** What one service log line says about a server: that it was lost, or that it is back. */
export interface Signal {
  server: ServerName
  kind: 'lost' | 'back'
  /** The line's own words, for the one line that announces the loss. */
  detail: string
}

const CONNECTION_ERROR =
  /ECONNREFUSED|ECONNRESET|CONNECT_TIMEOUT|ETIMEDOUT|EPIPE|EHOSTUNREACH|CONNECTION_(?:CLOSED|ENDED|DESTROYED)|Connection terminated|Socket closed/
const POSTGRES_WAITING = /database (?:not reachable|unreachable)|outbox listener went deaf/
const MAY_SIGNAL = /"level":"(?:warn|error)"|"message":"connected to rabbitmq"/
const HINTS: [RegExp, ServerName][] = [
  [/rabbitmq|amqp/i, 'rabbitmq'],
  [/redis|denylist|rate.limit/i, 'redis'],
  [/database|postgres|outbox|sql/i, 'postgres'],
]

function serverByPort(text: string, servers: Server[]): ServerName | undefined {
  for (const server of servers) if (new RegExp(`:${server.port}(?!\\d)`).test(text)) return server.name
  return undefined
}

/**
 * Reads one line a service printed (our pino JSON, or plain text such as ioredis' own
 * `[ioredis] Unhandled error event: …`) and says whether it reports a server going away or coming
 * back. Only connection trouble counts: any other warning or error is left alone, to be shown.
 */
export function classify(line: string, servers: Server[]): Signal | undefined {
  if (!line.startsWith('{')) {
    if (!line.startsWith('[ioredis]') || !CONNECTION_ERROR.test(line)) return undefined
    return { server: 'redis', kind: 'lost', detail: line.replace(/^\[ioredis\] Unhandled error event: /, '') }
  }
  // Most lines are routine (a request served): only warnings, errors and the broker's return can
  // signal anything, so the rest are passed over without being parsed.
  if (!MAY_SIGNAL.test(line)) return undefined
  let entry: { level?: string; message?: string; err?: { message?: string; code?: string; port?: number } }
  try {
    entry = JSON.parse(line)
  } catch {
    return undefined
  }
  const message = String(entry.message ?? '')
  if (message === 'connected to rabbitmq') return { server: 'rabbitmq', kind: 'back', detail: message }
  if (entry.level !== 'warn' && entry.level !== 'error') return undefined
  const error = `${entry.err?.code ?? ''} ${entry.err?.message ?? ''} ${entry.err?.port ?? ''}`
  const detail = entry.err?.message ? `${message}: ${entry.err.message}` : message
  if (/rabbitmq/.test(message) && /connect/.test(message)) return { server: 'rabbitmq', kind: 'lost', detail }
  if (POSTGRES_WAITING.test(message)) return { server: 'postgres', kind: 'lost', detail }
  if (!CONNECTION_ERROR.test(error)) return undefined
  const port = entry.err?.port ? `:${entry.err.port}` : error
  const server = serverByPort(port, servers) ?? HINTS.find(([hint]) => hint.test(message))?.[1]
  return server ? { server, kind: 'lost', detail } : undefined
}

interface Outage {
  since: number
  /** Services that reported the loss and have not got the server back yet. */
  waiting: Set<string>
  hidden: number
  reportedHidden: number
  lastReport: number
  /** Opened just after the server came back: announced only if it outlasts the grace period. */
  quiet: boolean
}

export interface CollapserOptions {
  servers: Server[]
  /** Prints a permanent line. */
  line(text: string): void
  /** Sets the live status line (terminals); the count goes there instead of into lines. */
  status?(key: string, text: string | undefined): void
  tty: boolean
  /** Whether the service has the server back (its `/ready` says the check is up). */
  isBack(service: string, server: ServerName): Promise<boolean>
  now?: () => number
  /** Off a terminal: how often a still-down server's count is printed. */
  reportEveryMs?: number
  /** After a server is back, stragglers' warnings within this window open no new outage at once. */
  graceMs?: number
}

/**
 * Collapses the flood of warnings that services print while a server is away into one line when
 * it is lost, a count while they retry, and one line when every service has it back.
 */
export class OutageCollapser {
  private readonly outages = new Map<ServerName, Outage>()
  private readonly backAt = new Map<ServerName, number>()
  /** Services whose last line was hidden: the stack lines that follow it go too. */
  private readonly inStack = new Set<string>()
  private readonly now: () => number
  private ticking = false
  private timer: Timer | undefined

  constructor(private readonly options: CollapserOptions) {
    this.now = options.now ?? Date.now
  }

  /** Takes one line of a service; true when the line is hidden (counted) instead of shown. */
  offer(service: string, line: string): boolean {
    if (this.inStack.has(service) && /^\s+at /.test(line)) return true
    this.inStack.delete(service)
    const signal = classify(line, this.options.servers)
    if (!signal) return false
    if (signal.kind === 'back') {
      const outage = this.outages.get(signal.server)
      if (!outage) return false
      this.serviceBack(service, signal.server)
      return true
    }
    if (!line.startsWith('{')) this.inStack.add(service)
    this.lost(service, signal)
    return true
  }

  private title(name: ServerName): Server {
    return this.options.servers.find((s) => s.name === name)!
  }

  private lost(service: string, signal: Signal): void {
    const existing = this.outages.get(signal.server)
    if (existing) {
      existing.waiting.add(service)
      existing.hidden++
      return
    }
    const now = this.now()
    const quiet = now - (this.backAt.get(signal.server) ?? Number.NEGATIVE_INFINITY) < this.grace
    this.outages.set(signal.server, {
      since: now,
      waiting: new Set([service]),
      hidden: 0,
      reportedHidden: 0,
      lastReport: now,
      quiet,
    })
    if (!quiet) this.announceLost(signal.server, service, signal.detail)
  }

  private announceLost(name: ServerName, service: string, detail: string): void {
    const server = this.title(name)
    this.options.line(
      `!! ${server.title} lost (${server.variable} ${addressOf(server)}): [${service}] ${detail}. ` +
        'The services keep retrying; their repeated warnings are counted, not shown.',
    )
  }

  private serviceBack(service: string, name: ServerName): void {
    const outage = this.outages.get(name)
    if (!outage) return
    outage.waiting.delete(service)
    if (outage.waiting.size > 0) return
    this.outages.delete(name)
    this.backAt.set(name, this.now())
    this.options.status?.(`outage:${name}`, undefined)
    if (outage.quiet) return
    const seconds = ((this.now() - outage.since) / 1000).toFixed(1)
    this.options.line(
      `ok ${this.title(name).title} back after ${seconds} s: every service has it again (${outage.hidden} repeated warnings hidden)`,
    )
  }

  private get grace(): number {
    return this.options.graceMs ?? 5000
  }

  /** Asks the waiting services whether they have their server back, and prints the counts. */
  async tick(): Promise<void> {
    if (this.ticking) return
    this.ticking = true
    try {
      for (const [name, outage] of [...this.outages]) {
        const answers = await Promise.all(
          [...outage.waiting].map(
            async (service) => [service, await this.options.isBack(service, name)] as const,
          ),
        )
        for (const [service, back] of answers) if (back) this.serviceBack(service, name)
        if (this.outages.get(name) === outage) this.report(name, outage)
      }
    } finally {
      this.ticking = false
    }
  }

  private report(name: ServerName, outage: Outage): void {
    const now = this.now()
    const server = this.title(name).title
    const seconds = Math.round((now - outage.since) / 1000)
    const who = [...outage.waiting].sort().join(', ')
    if (outage.quiet) {
      if (now - outage.since < this.grace) return
      outage.quiet = false
      this.announceLost(name, [...outage.waiting][0]!, 'still failing after it came back')
    }
    if (this.options.tty) {
      this.options.status?.(
        `outage:${name}`,
        `${server} down ${seconds} s (${outage.hidden} warnings hidden)`,
      )
      return
    }
    const every = this.options.reportEveryMs ?? 15_000
    if (now - outage.lastReport < every || outage.hidden === outage.reportedHidden) return
    outage.lastReport = now
    outage.reportedHidden = outage.hidden
    this.options.line(
      `.. ${server} still down after ${seconds} s: ${outage.hidden} warnings hidden (${who} retrying)`,
    )
  }

  /** Ticks every second until stopped. */
  start(intervalMs = 1000): void {
    this.timer = setInterval(() => void this.tick(), intervalMs)
    this.timer.unref?.()
  }

  stop(): void {
    clearInterval(this.timer)
  }
}
