const INTERNAL_ANYWHERE = /internal/i

/** How many layers of percent-encoding we peel off (`%252F` is `%2F` encoded once more). */
const MAX_DECODE_ROUNDS = 4

/**
 * Whether a raw request path reaches, or could be made to reach, an `/internal` route of a
 * service. The path is checked as sent, before any router normalises it, so encoded slashes
 * (`%2Finternal`), doubled ones (`//internal`), backslashes, dot segments and multiply-encoded
 * forms are all caught: an upstream framework or proxy could decode them differently from us.
 * A path that cannot be decoded counts as internal, since we cannot tell what it means.
 */
export function isInternalPath(rawPath: string): boolean {
  // Nothing to decode and no `internal` anywhere: no segment can name it. This is every ordinary
  // request, so the full check below runs only for paths that could be a disguise.
  if (!rawPath.includes('%') && !INTERNAL_ANYWHERE.test(rawPath)) return false
  let path = rawPath
  for (let round = 0; round < MAX_DECODE_ROUNDS; round++) {
    let decoded: string
    try {
      decoded = decodeURIComponent(path)
    } catch {
      return true
    }
    if (decoded === path) break
    path = decoded
  }
  return path
    .toLowerCase()
    .split(/[/\\]/)
    .some((segment) => normaliseSegment(segment) === 'internal')
}

/** `internal;x=1`, `internal.` and `internal ` all name the same route on some servers. */
function normaliseSegment(segment: string): string {
  const withoutParams = segment.split(';', 1)[0] ?? ''
  // biome-ignore lint/suspicious/noControlCharactersInRegex: NUL bytes are exactly what we strip
  return withoutParams.replace(/^[\s\u0000.]+|[\s\u0000.]+$/g, '')
}
