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
    const body: PlatformStatus = {
      status: entries.every(([, service]) => service.status === 'ready') ? 'ready' : 'degraded',
      services,
    }
    return c.json(body, 200)
  }
}

async function readiness(baseUrl: string, timeoutMs: number): Promise<ServiceStatus> {
  try {
    const { status, body } = await getJson(`${baseUrl}/ready`, timeoutMs)
    const checks = readChecks(body)
    return { status: status === 200 ? 'ready' : 'unready', ...(checks ? { checks } : {}) }
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
