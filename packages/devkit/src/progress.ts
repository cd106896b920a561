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
 * One line for the start, by state: `2/7 ready: auth, chat · waiting: pledge (rabbitmq),
 * gateway (pledge) · starting: payment, totals`.
 */
export function describeProgress(states: [name: string, readiness: Readiness][]): string {
  const named = (state: Readiness['state']) => states.filter(([, r]) => r.state === state)
  const ready = named('ready').map(([name]) => name)
  const waiting = named('waiting').map(([name, r]) => {
    const what = r.state === 'waiting' && r.for.length > 0 ? r.for.join(', ') : 'not ready'
    return `${name} (${what})`
  })
  const starting = named('starting').map(([name]) => name)
  return [
    `${ready.length}/${states.length} ready${ready.length ? `: ${ready.join(', ')}` : ''}`,
    ...(waiting.length ? [`waiting: ${waiting.join(', ')}`] : []),
    ...(starting.length ? [`starting: ${starting.join(', ')}`] : []),
  ].join(' · ')
}
