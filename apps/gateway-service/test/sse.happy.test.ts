import { afterAll, describe, expect, it } from 'bun:test'
import { startGateway } from './helpers/gateway'
import { startUpstream } from './helpers/upstream'

const encoder = new TextEncoder()
let release: () => void = () => {}
let upstreamFinished = false

const totals = startUpstream('totals-service', {
  configure: (app) => {
    app.get('/api/totals/:campaignId/stream', (c) => {
      const released = new Promise<void>((resolve) => {
        release = resolve
      })
      upstreamFinished = false
      const body = new ReadableStream<Uint8Array>({
        async start(controller) {
          controller.enqueue(
            encoder.encode(`event: totals\ndata: {"campaignId":"${c.req.param('campaignId')}"}\n\n`),
          )
          await released
          controller.enqueue(encoder.encode('event: totals\ndata: {"totalAmount":10}\n\n'))
          upstreamFinished = true
          controller.close()
        },
      })
      return new Response(body, {
        headers: { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' },
      })
    })
  },
})
// Bun.serve's shortest idle timeout (its timer ticks every 4 s, so a quiet 4.5 s is always cut)
// and a deadline far shorter than any pause between events.
const gateway = startGateway({ totals: totals.url }, { upstreamTimeoutMs: 100, idleTimeout: 1 })
afterAll(() => {
  gateway.stop()
  totals.stop()
})

async function openStream() {
  const res = await fetch(`${gateway.url}/api/totals/c-1/stream`)
  const reader = res.body!.getReader()
  const decoder = new TextDecoder()
  return {
    res,
    // A gateway that buffered would hold the first event until the service finished.
    next: async () => {
      const timeout = Bun.sleep(2000).then(() => {
        throw new Error('no event within 2 s: the response is being buffered')
      })
      return decoder.decode((await Promise.race([reader.read(), timeout])).value)
    },
    rest: async () => {
      let text = ''
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return text
        text += decoder.decode(value, { stream: true })
      }
    },
  }
}

describe('server-sent events', () => {
  it('streams each event through as it comes, before the service has finished', async () => {
    const stream = await openStream()
    expect(stream.res.status).toBe(200)
    expect(stream.res.headers.get('content-type')).toBe('text/event-stream')
    expect(await stream.next()).toContain('data: {"campaignId":"c-1"}')
    expect(upstreamFinished).toBe(false)
    release()
    expect(await stream.rest()).toContain('data: {"totalAmount":10}')
    expect(upstreamFinished).toBe(true)
  })

  it('keeps an event stream open through a quiet spell longer than the idle timeout', async () => {
    const stream = await openStream()
    expect(await stream.next()).toContain('data: {"campaignId":"c-1"}')
    await Bun.sleep(4500)
    release()
    expect(await stream.rest()).toContain('data: {"totalAmount":10}')
  })
})
