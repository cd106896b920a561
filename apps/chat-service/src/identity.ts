import { ServiceUnavailableError, type TokenVerifier, UnauthorizedError } from '@careforall/http'
import type { Logger } from '@careforall/logger'
import { injectTraceHeaders } from '@careforall/otel'
import { z } from 'zod'

const Me = z.object({ id: z.uuid(), name: z.string() })

/** How long a display name is reused before it is asked for again. */
const NAME_TTL_MS = 5 * 60_000
const MAX_NAMES = 10_000

/**
 * Who a socket's token belongs to: the token is verified here (signature, expiry, the denylist),
 * and the display name asked of the auth service with that same token (`GET /api/auth/me`), then
 * kept a few minutes. Whatever the client claims in its frames is never used.
 */
export function createIdentify(deps: { verifier: TokenVerifier; authUrl: string; logger: Logger }) {
  const names = new Map<string, { name: string; until: number }>()
  return async function identify(token: string): Promise<{ id: string; name: string }> {
    const user = await deps.verifier.verify(token)
    const cached = names.get(user.id)
    if (cached && cached.until > Date.now()) return { id: user.id, name: cached.name }
    let res: Response
    try {
      res = await fetch(`${deps.authUrl}/api/auth/me`, {
        headers: injectTraceHeaders(new Headers({ authorization: `Bearer ${token}` })),
        signal: AbortSignal.timeout(3000),
      })
    } catch (error) {
      deps.logger.error({ err: error }, 'auth service unreachable')
      throw new ServiceUnavailableError('Your name cannot be looked up right now; retry shortly')
    }
    if (res.status === 401 || res.status === 404)
      throw new UnauthorizedError('The token no longer names a user')
    const me = Me.safeParse(await res.json().catch(() => undefined))
    if (!res.ok || !me.success) {
      deps.logger.error({ status: res.status }, 'auth service answered outside its contract')
      throw new ServiceUnavailableError('Your name cannot be looked up right now; retry shortly')
    }
    if (names.size >= MAX_NAMES) names.clear()
    names.set(user.id, { name: me.data.name, until: Date.now() + NAME_TTL_MS })
    return { id: user.id, name: me.data.name }
  }
}

export type Identify = ReturnType<typeof createIdentify>
