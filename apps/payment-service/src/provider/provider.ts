/** What the payment code needs from a PSP; every call carries our permanent idempotency key. */
export interface ProviderOperation {
  id: string
  providerTransactionId: string
  status: string
  amount: number
}

export type CallResult =
  | { ok: true; operation: ProviderOperation }
  | { ok: false; retryable: boolean; status: number | null; code?: string | undefined; error: string }

export interface PaymentProvider {
  readonly name: string
  authorize(
    key: string,
    p: { amountCents: number; paymentMethod: string; reference: string },
  ): Promise<CallResult>
  capture(key: string, p: { transactionId: string; amountCents: number }): Promise<CallResult>
  refund(key: string, p: { transactionId: string; amountCents: number }): Promise<CallResult>
  voidAuthorization(key: string, transactionId: string): Promise<CallResult>
}
