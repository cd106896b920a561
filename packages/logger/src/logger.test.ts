import { describe, expect, it } from 'bun:test'
import { Writable } from 'node:stream'
import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
import pino from 'pino'
import { createLogger } from './index'

context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable())

function capture() {
  const lines: Record<string, unknown>[] = []
  const destination = new Writable({
    write(chunk, _enc, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) lines.push(JSON.parse(line))
      done()
    },
  })
  return { lines, destination }
}

describe('createLogger', () => {
  it('writes exactly the keys of the architecture log format', () => {
    const { lines, destination } = capture()
    const logger = createLogger({ serviceName: 'campaign-service', destination })
    logger.child({ requestId: 'req_789', userId: 'user_123' }).info('Log message')
    expect(lines).toHaveLength(1)
    const line = lines[0]!
    expect(Object.keys(line).sort()).toEqual([
      'level',
      'message',
      'requestId',
      'serviceName',
      'timestamp',
      'userId',
    ])
    expect(line.level).toBe('info')
    expect(line.message).toBe('Log message')
    expect(line.serviceName).toBe('campaign-service')
    expect(new Date(String(line.timestamp)).toISOString()).toBe(String(line.timestamp))
  })

  it('adds the trace and span ids of the active span', () => {
    const { lines, destination } = capture()
    const logger = createLogger({ serviceName: 'totals-service', destination })
    const spanContext = {
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: 'b7ad6b7169203331',
      traceFlags: TraceFlags.SAMPLED,
    }
    const ctx = trace.setSpanContext(ROOT_CONTEXT, spanContext)
    context.with(ctx, () => logger.warn('inside a span'))
    const line = lines[0]!
    expect(Object.keys(line).sort()).toEqual([
      'level',
      'message',
      'serviceName',
      'spanId',
      'timestamp',
      'traceId',
    ])
    expect(line.traceId).toBe(spanContext.traceId)
    expect(line.spanId).toBe(spanContext.spanId)
    expect(line.level).toBe('warn')
  })

  it('redacts e-mail addresses', () => {
    const { lines, destination } = capture()
    createLogger({ serviceName: 'auth-service', destination }).info({ email: 'ann@example.org' }, 'signed up')
    expect(lines[0]!.email).toBe('[redacted]')
  })

  it('redacts passwords and tokens', () => {
    const { lines, destination } = capture()
    createLogger({ serviceName: 'auth-service', destination }).info({ password: 'hunter2hunter2' }, 'login')
    expect(lines[0]!.password).toBe('[redacted]')
  })

  it("redacts exactly what pino's redact option did for the same paths", () => {
    // The paths this logger redacted with pino's `redact` before it did so itself: the output must
    // not change, whatever the shape of the fields.
    const reference = () => {
      const { lines, destination } = capture()
      const logger = pino(
        {
          messageKey: 'message',
          base: { serviceName: 'ref' },
          timestamp: false,
          formatters: { level: (label) => ({ level: label }) },
          redact: {
            paths: [
              'password',
              '*.password',
              'token',
              '*.token',
              'refreshToken',
              '*.refreshToken',
              'accessToken',
              '*.accessToken',
              'receiptToken',
              '*.receiptToken',
              'authorization',
              'cookie',
              'email',
              '*.email',
              'donorEmail',
              '*.donorEmail',
            ],
            censor: '[redacted]',
          },
        },
        destination,
      )
      return { lines, logger }
    }
    const ours = () => {
      const { lines, destination } = capture()
      return { lines, logger: createLogger({ serviceName: 'ref', destination }) }
    }
    const error = Object.assign(new Error('boom'), { token: 'leaked' })
    const cases: Record<string, unknown>[] = [
      { method: 'GET', path: '/api/totals/1', status: 200, durationMs: 1.5 },
      { password: 'hunter2hunter2', email: 'a@b.c' },
      { token: 12, refreshToken: { nested: true }, authorization: 'Bearer x' },
      { body: { password: 'p', token: 't', refreshToken: 'r', authorization: 'kept one level down' } },
      { body: { deeper: { password: 'not searched two levels down' } } },
      { donorEmail: 'd@e.f', user: { email: 'g@h.i', id: 'u1' }, accessToken: 'a', cookie: 'c' },
      { list: [{ password: 'arrays are not searched' }] },
      { body: { password: undefined, token: null } },
      { password: undefined, other: null, n: 0 },
      { err: error },
      { cause: error },
    ]
    for (const fields of cases) {
      const a = reference()
      const b = ours()
      a.logger.info(fields, 'line')
      b.logger.info(fields, 'line')
      a.logger.child({ token: 'child', ctx: { password: 'child' }, requestId: 'r1' }).info(fields, 'child')
      b.logger.child({ token: 'child', ctx: { password: 'child' }, requestId: 'r1' }).info(fields, 'child')
      const strip = (lines: Record<string, unknown>[]) => lines.map(({ timestamp: _t, ...rest }) => rest)
      expect(strip(b.lines)).toEqual(strip(a.lines))
    }
    // The caller's object is never changed.
    expect(error.token).toBe('leaked')
  })

  it('writes every line to stdout in order, however the process ends', async () => {
    for (const ending of ['exit', 'throw', 'naturally']) {
      const proc = Bun.spawn([process.execPath, `${import.meta.dir}/../test/stdout-writer.ts`, ending], {
        stdout: 'pipe',
        stderr: 'ignore',
      })
      const text = await new Response(proc.stdout).text()
      await proc.exited
      const lines = text
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as Record<string, unknown>)
      expect({
        ending,
        messages: lines.map((line) => `${line.serviceName} ${line.message} ${line.i ?? ''}`),
      }).toEqual({
        ending,
        messages: [
          ...[0, 1, 2].flatMap((i) => [
            `writer-test first turn ${i}`,
            `writer-test-2 first turn, second logger ${i}`,
          ]),
          'writer-test last line ',
        ],
      })
    }
  })
})
