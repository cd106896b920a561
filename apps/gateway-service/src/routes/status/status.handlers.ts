import type { AppRouteHandler } from '@careforall/http'
import { SERVICE_KEYS, type ServiceKey, type Upstreams } from '../../domain/services'
import { getJson } from '../../upstream/probe'
import type { GetStatusRoute, PlatformStatus, ServiceStatus } from './status.routes'

export interface StatusOptions {
  upstreams: Upstreams
  probeTimeoutMs: number
}

export function getStatusHandler(options: StatusOptions): AppRouteHandler<GetStatusRoute> {
  return async (c) => {
    const entries = await Promise.all(
      SERVICE_KEYS.map(
        async (key) => [key, await readiness(options.upstreams[key], options.probeTimeoutMs)] as const,
      ),
    )
    const services = Object.fromEntries(entries) as Record<ServiceKey, ServiceStatus>
    const total = entries
      .flatMap(([, service]) => Object.values(service.dlq ?? {}))
      .reduce((sum, depth) => sum + depth, 0)
    const body: PlatformStatus = {
      status: entries.every(([, service]) => service.status === 'ready') ? 'ready' : 'degraded',
      services,
      dlq: { total },
    }
    return c.json(body, 200)
  }
}

async function readiness(baseUrl: string, timeoutMs: number): Promise<ServiceStatus> {
  try {
    const { status, body } = await getJson(`${baseUrl}/ready`, timeoutMs)
    const checks = readChecks(body)
    const dlq = readDeadLetters(body)
    return {
      status: status === 200 ? 'ready' : 'unready',
      ...(checks ? { checks } : {}),
      ...(dlq ? { dlq } : {}),
    }
  } catch {
    return { status: 'down' }
  }
}

/** The `checks` a service's `/ready` reports, in its 200 body and its 503 problem alike. */
function readChecks(body: unknown): Record<string, 'up' | 'down'> | undefined {
  const checks = (body as { checks?: unknown } | undefined)?.checks
  if (!checks || typeof checks !== 'object') return undefined
  const valid = Object.entries(checks).filter(
    (entry): entry is [string, 'up' | 'down'] => entry[1] === 'up' || entry[1] === 'down',
  )
  return Object.fromEntries(valid)
}

/** The dead-letter depths a service's `/ready` reports (`dlq`), keeping only counts that are counts. */
function readDeadLetters(body: unknown): Record<string, number> | undefined {
  const dlq = (body as { dlq?: unknown } | undefined)?.dlq
  if (!dlq || typeof dlq !== 'object') return undefined
  const valid = Object.entries(dlq).filter(
    (entry): entry is [string, number] => Number.isSafeInteger(entry[1]) && entry[1] >= 0,
  )
  return Object.fromEntries(valid)
}
