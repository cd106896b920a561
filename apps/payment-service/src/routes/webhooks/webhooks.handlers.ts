import type { Sql } from '@careforall/db'
import { type AppRouteHandler, BadRequestError, NotFoundError } from '@careforall/http'
import { meter, traceHeaders } from '@careforall/otel'
import { verifySignature } from '../../domain/webhook-signature'
import type { Faults } from '../../faults'
import { storeWebhook } from '../../store/webhooks'
import { type ReceiveRoute, SandboxWebhook } from './webhooks.routes'

export interface WebhookHandlerDeps {
  sql: Sql
  /** Applies a stored webhook and makes the provider call it claimed. */
  applyWebhook: (provider: string, id: string, transactionId?: string) => Promise<void>
  faults: Faults
  /** The secrets a signature may be made with: current first, then the one being rotated out. */
  secrets: string[]
}

/** Counted per failure; the instrument is looked up each time (meters are not proxied before the SDK starts). */
function countSignatureFailure(provider: string, reason: string): void {
  meter()
    .createCounter('payment_webhook_signature_failures_total', {
      description: 'Provider webhooks rejected because their signature did not verify',
    })
    .add(1, { provider, reason })
}

export function webhookHandlers(deps: WebhookHandlerDeps) {
  /**
   * Medusa's webhook route, hardened: verify the signature on the RAW bytes, then store the
   * webhook once per id (a duplicate only counts), answer 200 at once, and apply it from the
   * stored row without holding up the provider. If applying fails or this process dies, the
   * worker applies the stored row later; a rejected webhook writes nothing at all.
   */
  const receive: AppRouteHandler<ReceiveRoute> = async (c) => {
    const { provider } = c.req.valid('param')
    if (provider !== 'sandbox') throw new NotFoundError(`No payment provider "${provider}"`)
    const raw = new Uint8Array(await c.req.arrayBuffer())
    const check = verifySignature({
      header: c.req.header('x-sandbox-signature'),
      body: raw,
      secrets: deps.secrets,
      nowSeconds: Math.floor(Date.now() / 1000),
    })
    if (!check.ok) {
      countSignatureFailure(provider, check.reason)
      c.get('logger').warn({ provider, reason: check.reason }, 'webhook signature rejected')
      throw new BadRequestError(`The webhook signature is not valid (${check.reason})`)
    }
    let body: ReturnType<typeof SandboxWebhook.parse>
    try {
      body = SandboxWebhook.parse(JSON.parse(new TextDecoder().decode(raw)))
    } catch {
      throw new BadRequestError('The webhook body is not a sandbox event')
    }
    const { inserted } = await storeWebhook(deps.sql, {
      provider,
      id: body.id,
      type: body.type,
      providerTransactionId: body.data.providerTransactionId,
      providerRefundId: body.data.providerRefundId ?? null,
      payload: body,
      workerDelayMs: 2000,
      receiptTraceHeaders: traceHeaders(),
    })
    if (inserted) {
      deps.faults.hit('after-webhook-commit')
      void deps
        .applyWebhook(provider, body.id, body.data.providerTransactionId)
        .catch((error: unknown) =>
          c
            .get('logger')
            .error({ err: error, webhookId: body.id }, 'webhook apply failed; the worker retries'),
        )
    }
    return c.json({ received: true as const, duplicate: !inserted }, 200)
  }
  return { receive }
}
