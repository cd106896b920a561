/** Where one service is on its way to ready, as its `/ready` says. */
export type Readiness =
  | { state: 'ready' }
  /** It answers 503: these checks are down (a server, or the gateway's upstreams). */
  | { state: 'waiting'; for: string[] }
  /** It does not answer yet (starting, migrating, or not running). */
  | { state: 'starting' }

export async function readinessOf(baseUrl: string, timeoutMs = 2000): Promise<Readiness> {
  try {
    const res = await fetch(`${baseUrl}/ready`, { signal: AbortSignal.timeout(timeoutMs) })
    if (res.ok) return { state: 'ready' }
    const body = (await res.json().catch(() => ({}))) as { checks?: Record<string, string> }
    const down = Object.entries(body.checks ?? {})
      .filter(([, state]) => state !== 'up')
      .map(([name]) => name)
    return { state: 'waiting', for: down }
  } catch {
    return { state: 'starting' }
  }
}

/**
 * One line for the start: `3/7 ready (auth, campaign, chat) · pledge waits for rabbitmq ·
 * payment starting`.
 */
export function describeProgress(states: [name: string, readiness: Readiness][]): string {
  const ready = states.filter(([, r]) => r.state === 'ready').map(([name]) => name)
  const parts = [`${ready.length}/${states.length} ready${ready.length ? ` (${ready.join(', ')})` : ''}`]
  for (const [name, readiness] of states) {
    if (readiness.state === 'starting') parts.push(`${name} starting`)
    if (readiness.state === 'waiting')
      parts.push(readiness.for.length ? `${name} waits for ${readiness.for.join(', ')}` : `${name} not ready`)
  }
  return `starting: ${parts.join(' · ')}`
}
