import { createHmac } from 'node:crypto'

/**
 * The sandbox's side of `X-Sandbox-Signature` (deliberately not shared with the payment code's
 * verifier, as a real PSP's is not): `t=<unix>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>`, with
 * one `v1` per secret, so while a secret is rotated either side's configuration verifies.
 */
export function signatureHeader(secrets: string[], body: string, nowSeconds: number): string {
  const signatures = secrets.map(
    (secret) => `v1=${createHmac('sha256', secret).update(`${nowSeconds}.${body}`).digest('hex')}`,
  )
  return [`t=${nowSeconds}`, ...signatures].join(',')
}
