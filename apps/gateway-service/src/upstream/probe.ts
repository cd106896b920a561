/** A JSON answer from an upstream's operational route. */
export interface UpstreamAnswer {
  status: number
  body: unknown
}

/**
 * GETs an operational route (`/health`, `/ready`, `/openapi.json`) of an upstream. It rejects
 * when the service does not answer within `timeoutMs` (down, or too busy to count as up); any
 * HTTP status resolves. A body that is not JSON reads as `undefined`.
 */
export async function getJson(url: string, timeoutMs: number): Promise<UpstreamAnswer> {
  const res = await fetch(url, {
    signal: AbortSignal.timeout(timeoutMs),
    headers: { accept: 'application/json' },
    redirect: 'manual',
  })
  const body: unknown = await res.json().catch(() => undefined)
  return { status: res.status, body }
}

/** Whether the service at `baseUrl` answers its liveness route. */
export async function answersHealth(baseUrl: string, timeoutMs: number): Promise<boolean> {
  try {
    return (await getJson(`${baseUrl}/health`, timeoutMs)).status === 200
  } catch {
    return false
  }
}
