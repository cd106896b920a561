import { injectTraceHeaders } from '@careforall/otel'
import type { CallResult, PaymentProvider, ProviderOperation } from './provider'

/**
 * The sandbox PSP's client: plain HTTP to `SANDBOX_API_URL`, our permanent key in
 * `Idempotency-Key`, the trace passed on. Network errors, timeouts, 429 and 5xx are worth a retry
 * with the same key (the PSP dedupes); any other refusal is the provider's final word.
 */
export function createSandboxClient(options: {
  baseUrl: string
  apiKey: string
  timeoutMs: number
}): PaymentProvider {
  const base = options.baseUrl.replace(/\/$/, '')
  const call = async (path: string, key: string, body?: unknown): Promise<CallResult> => {
    const headers = injectTraceHeaders(
      new Headers({
        authorization: `Bearer ${options.apiKey}`,
        'idempotency-key': key,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      }),
    )
    let res: Response
    try {
      res = await fetch(`${base}${path}`, {
        method: 'POST',
        headers,
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        signal: AbortSignal.timeout(options.timeoutMs),
      })
    } catch (error) {
      return {
        ok: false,
        retryable: true,
        status: null,
        error: `provider unreachable: ${(error as Error).message}`,
      }
    }
    const text = await res.text().catch(() => '')
    if (res.ok) {
      const operation = JSON.parse(text) as ProviderOperation
      return { ok: true, operation }
    }
    let code: string | undefined
    let detail = text.slice(0, 300)
    try {
      const problem = JSON.parse(text) as { code?: string; detail?: string }
      code = problem.code
      detail = problem.detail ?? detail
    } catch {}
    const retryable = res.status >= 500 || res.status === 429 || code === 'authorization_pending'
    return {
      ok: false,
      retryable,
      status: res.status,
      code,
      error: `provider answered ${res.status}: ${detail}`,
    }
  }

  return {
    name: 'sandbox',
    authorize: (key, p) =>
      call('/sandbox/v1/authorizations', key, {
        amount: p.amountCents,
        currency: 'USD',
        paymentMethod: p.paymentMethod,
        reference: p.reference,
      }),
    capture: (key, p) =>
      call('/sandbox/v1/captures', key, { providerTransactionId: p.transactionId, amount: p.amountCents }),
    refund: (key, p) =>
      call('/sandbox/v1/refunds', key, { providerTransactionId: p.transactionId, amount: p.amountCents }),
    voidAuthorization: (key, transactionId) =>
      call(`/sandbox/v1/authorizations/${encodeURIComponent(transactionId)}/void`, key),
  }
}
