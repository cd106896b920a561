/** Query-string parameters that carry secrets: redacted in logs and spans. */
const SECRET_PARAMS = /([?&](?:token|receiptToken)=)[^&]*/g
/** Any parameter whose value holds an e-mail address (`?q=ann%40example.org` in an admin search). */
const EMAIL_VALUES = /([?&][^=&]*=)[^&]*(?:@|%40)[^&]*/gi

export function redactUrl(pathWithQuery: string): string {
  return pathWithQuery.replace(SECRET_PARAMS, '$1[redacted]').replace(EMAIL_VALUES, '$1[redacted]')
}
