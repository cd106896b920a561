/**
 * The dev runner's console: permanent lines (service logs, notices) and one live status line
 * under them. On a terminal the status line is redrawn in place below the scrolling logs; on
 * anything else (a pipe, CI, `packages/e2e`) there is no live line: callers print changes as
 * lines instead, so a log file never fills with spinner frames.
 */
export interface Output {
  readonly tty: boolean
  line(text: string): void
  /** Several permanent lines in one write (a service's burst of log lines). */
  lines(texts: string[]): void
  /** Sets (or clears, with undefined) one part of the live status line, by key. */
  status(key: string, text: string | undefined): void
}

export function createOutput(
  options: { tty?: boolean; write?: (text: string) => void; columns?: () => number } = {},
): Output {
  const tty = options.tty ?? Boolean(process.stdout.isTTY)
  const write = options.write ?? ((text: string) => void process.stdout.write(text))
  const columns = options.columns ?? (() => process.stdout.columns || 120)
  const parts = new Map<string, string>()
  let shown = ''

  const statusText = () => {
    const text = [...parts.values()].join(' | ')
    const width = columns() - 1
    return text.length > width ? `${text.slice(0, width - 1)}…` : text
  }
  const clear = () => (shown ? '\r\x1b[2K' : '')

  return {
    tty,
    line(text) {
      if (!tty) return write(`${text}\n`)
      write(`${clear()}${text}\n${shown}`)
    },
    lines(texts) {
      if (texts.length === 0) return
      const text = `${texts.join('\n')}\n`
      write(tty ? `${clear()}${text}${shown}` : text)
    },
    status(key, text) {
      if (text === undefined) parts.delete(key)
      else parts.set(key, text)
      if (!tty) return
      const next = statusText()
      if (next === shown) return
      write(`${clear()}${next}`)
      shown = next
    },
  }
}
