const COLORS = [36, 32, 33, 35, 34, 96, 92]
const LEVEL_COLORS: Record<string, number> = { debug: 90, info: 32, warn: 33, error: 31, fatal: 41 }
const HIDDEN = new Set(['level', 'message', 'serviceName', 'timestamp', 'traceId', 'spanId'])

/** A colored, fixed-width `[campaign]` prefix, so interleaved logs stay readable. */
export function prefixFor(name: string, index: number, color: boolean): string {
  const label = `[${name}]`.padEnd(11)
  return color ? `\x1b[${COLORS[index % COLORS.length]}m${label}\x1b[0m` : label
}

/**
 * Turns one JSON log line into `12:00:01 info  request completed method=GET status=200 …`.
 * Anything that is not one of our JSON lines is passed through as it is.
 */
export function formatLine(line: string, color: boolean): string {
  if (!line.startsWith('{')) return line
  let entry: Record<string, unknown>
  try {
    entry = JSON.parse(line)
  } catch {
    return line
  }
  const time = typeof entry.timestamp === 'string' ? entry.timestamp.slice(11, 19) : ''
  const level = String(entry.level ?? 'info')
  const levelText = color ? `\x1b[${LEVEL_COLORS[level] ?? 0}m${level.padEnd(5)}\x1b[0m` : level.padEnd(5)
  const fields = Object.entries(entry)
    .filter(([key]) => !HIDDEN.has(key))
    .map(([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`)
  const trace = typeof entry.traceId === 'string' ? ` trace=${entry.traceId.slice(0, 8)}` : ''
  return `${time} ${levelText} ${String(entry.message ?? '')}${fields.length ? ` ${fields.join(' ')}` : ''}${trace}`
}
