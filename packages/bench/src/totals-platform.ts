// The processes the totals benchmark measures: a throwaway database and vhost, the real totals
// service, a trivial upstream, and the real gateway in front of both, each in its own process.
import { type CloudEvent, createEvent, Events, Exchanges } from '@careforall/contracts'
import { createTestResources, type TestResources } from '@careforall/db/testing'
import { freePort, type RunningService, spawnService, worldEnv } from '@careforall/devkit/testing'
import { createLogger } from '@careforall/logger'
import { type Broker, connectBroker, declareExchanges } from '@careforall/messaging'

export interface BenchPlatform {
  world: TestResources
  totals: RunningService
  gateway: RunningService
  trivial: { url: string; pid: number }
  publisher: Publisher
  stop(): Promise<void>
}

export interface Publisher {
  /** Publishes a capture of `amountCents` for a campaign, on a confirm channel (not awaited). */
  capture(campaignId: string, amountCents: number): CloudEvent
  /** Resolves once the broker confirmed everything published so far. */
  confirmed(): Promise<void>
}

async function startTrivial(): Promise<{ url: string; pid: number; proc: Bun.Subprocess }> {
  const port = freePort()
  const proc = Bun.spawn([process.execPath, `${import.meta.dir}/totals-trivial-upstream.ts`, String(port)], {
    stdout: 'ignore',
    stderr: 'inherit',
  })
  const url = `http://127.0.0.1:${port}`
  for (let attempt = 0; attempt < 100; attempt++) {
    if (
      await fetch(`${url}/health`).then(
        (res) => res.ok,
        () => false,
      )
    )
      return { url, pid: proc.pid, proc }
    await Bun.sleep(50)
  }
  throw new Error('the trivial upstream did not start')
}

async function createPublisher(broker: Broker): Promise<Publisher> {
  const channel = await broker.connection.createConfirmChannel()
  await declareExchanges(channel)
  return {
    capture: (campaignId, amountCents) => {
      const paymentId = crypto.randomUUID()
      const event = createEvent({
        id: Bun.randomUUIDv7(),
        source: 'payment-service',
        type: Events.PaymentCaptured,
        subject: paymentId,
        data: {
          paymentId,
          pledgeId: crypto.randomUUID(),
          campaignId,
          donorKey: `g:bench-${paymentId.slice(0, 8)}`,
          amountCents,
          providerTransactionId: `tx_${paymentId}`,
        },
      })
      channel.publish(Exchanges.payment, event.type, Buffer.from(JSON.stringify(event)), {
        persistent: true,
        messageId: event.id,
        type: event.type,
        contentType: 'application/cloudevents+json; charset=utf-8',
      })
      return event
    },
    confirmed: () => channel.waitForConfirms(),
  }
}

/**
 * Starts everything. `logLevel` applies to the totals service and the gateway; `otel: false` runs
 * both without the OpenTelemetry SDK (a diagnostic: production always runs it).
 */
export async function startBenchPlatform(options: {
  logLevel: string
  otel: boolean
}): Promise<BenchPlatform> {
  const world = await createTestResources()
  const trivial = await startTrivial()
  const common = { LOG_LEVEL: options.logLevel, ...(options.otel ? {} : { OTEL_SDK_DISABLED: 'true' }) }
  const totals = await spawnService('totals', {
    ...worldEnv(world, 'totals'),
    ...common,
    RECONCILE_INTERVAL_MS: '0',
  })
  const gateway = await spawnService('gateway', {
    ...worldEnv(world, undefined),
    ...common,
    TOTALS_SERVICE_URL: totals.url,
    // Every other upstream is the trivial server: the gateway is ready only when all answer.
    ...Object.fromEntries(
      ['AUTH', 'CAMPAIGN', 'PLEDGE', 'PAYMENT', 'CHAT'].map((name) => [`${name}_SERVICE_URL`, trivial.url]),
    ),
  })
  const broker = await connectBroker({
    url: world.rabbitmqUrl,
    logger: createLogger({ serviceName: 'bench', level: 'silent' }),
    name: 'totals-bench-publisher',
  })
  await broker.connection.waitForConnect()
  return {
    world,
    totals,
    gateway,
    trivial,
    publisher: await createPublisher(broker),
    stop: async () => {
      await gateway.stop()
      await totals.stop()
      trivial.proc.kill()
      await broker.close()
      await world.cleanup()
    },
  }
}
