/** Query-string parameters that carry secrets: redacted in logs and spans. */
const SECRET_PARAMS = /([?&](?:token|receiptToken)=)[^&]*/g

export function redactUrl(pathWithQuery: string): string {
  return pathWithQuery.replace(SECRET_PARAMS, '$1[redacted]')
}
