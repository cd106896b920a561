import { describe, expect, it } from 'bun:test'
import { Writable } from 'node:stream'
import { context, ROOT_CONTEXT, TraceFlags, trace } from '@opentelemetry/api'
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks'
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

  it('redacts passwords and tokens', () => {
    const { lines, destination } = capture()
    createLogger({ serviceName: 'auth-service', destination }).info({ password: 'hunter2hunter2' }, 'login')
    expect(lines[0]!.password).toBe('[redacted]')
  })
})
