import type { UserRole } from '@careforall/contracts'

export interface SessionUser {
  id: string
  email: string
  name: string
  role: UserRole
  disabled: boolean
  createdAt: string
}

export interface Session {
  user: SessionUser
  accessToken: string
  refreshToken: string
  /** Epoch milliseconds at which the access token expires. */
  expiresAt: number
}

const KEY = 'careforall.admin.session'

/**
 * The signed-in admin, kept in sessionStorage: it survives a reload but not the tab, and is
 * never shared with another tab (a refresh token rotates on use, so two tabs sharing one would
 * revoke each other's family).
 */
function load(): Session | null {
  try {
    const raw = globalThis.sessionStorage?.getItem(KEY)
    return raw ? (JSON.parse(raw) as Session) : null
  } catch {
    return null
  }
}

let current: Session | null = load()
const listeners = new Set<() => void>()

export const session = {
  get(): Session | null {
    return current
  },
  set(next: Session | null): void {
    current = next
    try {
      if (next) globalThis.sessionStorage?.setItem(KEY, JSON.stringify(next))
      else globalThis.sessionStorage?.removeItem(KEY)
    } catch {
      // Storage can be full or forbidden; the session then lasts as long as the page.
    }
    for (const listener of listeners) listener()
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener)
    return () => listeners.delete(listener)
  },
}
