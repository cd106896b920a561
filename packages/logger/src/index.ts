import { writeSync } from 'node:fs'
import { trace } from '@opentelemetry/api'
import pino, { type DestinationStream, type Logger } from 'pino'

export type { Logger } from 'pino'

export interface LoggerOptions {
  /** Goes into every line as `serviceName`, e.g. `campaign-service`. */
  serviceName: string
  level?: string
  /** Where lines go; stdout when omitted. Tests pass a stream to read lines back. */
  destination?: DestinationStream
}

/**
 * A pino logger that writes ARCHITECTURE.md's log format, one JSON line per event:
 * `level` (label), `message`, `serviceName`, `timestamp` (ISO-8601), and `traceId`/`spanId`
 * of the active span when there is one, so a line can be found from its trace and back.
 * Request-scoped fields (`requestId`, `userId`) are added by child loggers.
 */
export function createLogger(options: LoggerOptions): Logger {
  const logger = pino(
    {
      level: options.level ?? 'info',
      messageKey: 'message',
      base: { serviceName: options.serviceName },
      timestamp: () => `,"timestamp":"${new Date().toISOString()}"`,
      // Redaction as pino's `redact` option would do it for these paths, without its cost: with a
      // `*.` path, pino 10 runs every key of every line through a redactor that parses its path
      // strings again on each call (5 % of the gateway's CPU samples per proxied request).
      formatters: { level: (label) => ({ level: label }), log: redactSecrets },
      mixin: traceFields,
    },
    options.destination ?? stdoutOncePerTick(),
  )
  // A child's bindings are written once, when it is made, through none of the formatters above:
  // redact them on the way in. Children inherit this method, so grandchildren are covered too.
  const pinoChild = logger.child
  logger.child = function child(this: Logger, bindings, childOptions) {
    return pinoChild.call(this, redactSecrets(bindings), childOptions)
  } as Logger['child']
  return logger
}

/**
 * Standard output, written once per event-loop turn: the lines logged during one turn go out in
 * one write (one per line was 10 % of the gateway's CPU per proxied request, profiled), through
 * `process.stdout` as pino's own output under Bun goes: it never blocks the event loop, buffering
 * while a slow reader (the dev runner, a terminal) leaves the pipe full. A line waits at most until
 * the current turn ends; at exit what is pending is written synchronously when nothing is queued
 * ahead of it (so the last lines of a crash are not lost), else queued behind the rest.
 */
function stdoutOncePerTick(): DestinationStream {
  if (stdout) return stdout
  let pending = ''
  let scheduled = false
  const flush = () => {
    scheduled = false
    if (!pending) return
    const chunk = pending
    pending = ''
    process.stdout.write(chunk)
  }
  process.on('exit', () => {
    if (pending && process.stdout.writableLength === 0) {
      try {
        writeSync(1, pending)
        pending = ''
      } catch {
        // The pipe is full or gone: hand it to process.stdout like the rest.
      }
    }
    flush()
  })
  stdout = {
    write(line: string) {
      pending += line
      // A busy turn's lines go out in pieces a pipe takes at once, rather than one that must queue.
      if (pending.length >= MAX_CHUNK) return flush()
      if (!scheduled) {
        scheduled = true
        setImmediate(flush)
      }
    },
  }
  return stdout
}

const MAX_CHUNK = 16 * 1024

/** One for the process: every logger writing to stdout shares it, so lines stay in order. */
let stdout: DestinationStream | undefined

export const REDACTED = '[redacted]'

/**
 * Keys whose values never reach a log line, at its top level (or a child logger's bindings):
 * credentials, and e-mail addresses (personal data; a user is named by `userId` instead).
 */
const SECRET_KEYS = new Set([
  'password',
  'token',
  'refreshToken',
  'accessToken',
  'receiptToken',
  'authorization',
  'cookie',
  'email',
  'donorEmail',
])

/** Keys censored one level down as well: `{ body: { password } }`. */
const NESTED_SECRET_KEYS = [
  'password',
  'token',
  'refreshToken',
  'accessToken',
  'receiptToken',
  'email',
  'donorEmail',
]

/**
 * Censors the secret keys of a log line's fields, copying only what it changes: the paths of
 * `SECRET_KEYS` and `*.` each of `NESTED_SECRET_KEYS`, with the semantics pino's `redact` gives them (own keys of plain objects and
 * errors one level down, whatever their value; arrays are not searched).
 */
export function redactSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  let out = fields
  for (const key in fields) {
    if (!Object.hasOwn(fields, key)) continue
    const value = fields[key]
    if (value === undefined) continue
    let redacted: unknown = value
    if (SECRET_KEYS.has(key)) redacted = REDACTED
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      redacted = redactNested(value as Record<string, unknown>)
    }
    if (redacted === value) continue
    if (out === fields) out = { ...fields }
    out[key] = redacted
  }
  return out
}

function redactNested(value: Record<string, unknown>): Record<string, unknown> {
  let out = value
  for (const key of NESTED_SECRET_KEYS) {
    if (!Object.hasOwn(value, key)) continue
    // A copy with the same prototype and own properties (an Error keeps its message and stack).
    if (out === value) {
      out = Object.create(Object.getPrototypeOf(value), Object.getOwnPropertyDescriptors(value))
    }
    Object.defineProperty(out, key, { value: REDACTED, enumerable: true, writable: true, configurable: true })
  }
  return out
}

/** The ids of the span active where the line is logged (none outside a trace). */
function traceFields(): Record<string, string> {
  const span = trace.getActiveSpan()
  if (!span) return {}
  const spanContext = span.spanContext()
  if (!trace.isSpanContextValid(spanContext)) return {}
  return { traceId: spanContext.traceId, spanId: spanContext.spanId }
}
