import { useQueryClient } from '@tanstack/react-query'
import { createContext, type ReactNode, useCallback, useContext, useMemo, useSyncExternalStore } from 'react'
import { ApiError, type AuthResult, api, toSession } from '../api/client'
import { type Session, session } from '../api/session'

/** Signed in, but not as an admin: the panel refuses, and says so. */
export class NotAdminError extends Error {
  constructor() {
    super('This account is not an admin. The admin panel is for administrators only.')
  }
}

interface Auth {
  session: Session | null
  signIn(email: string, password: string): Promise<void>
  signOut(): Promise<void>
}

const AuthContext = createContext<Auth | null>(null)

export function AuthProvider({ children }: { children: ReactNode }) {
  const queryClient = useQueryClient()
  const current = useSyncExternalStore(session.subscribe, session.get, session.get)

  const signIn = useCallback(async (email: string, password: string) => {
    const result = await api<AuthResult>('/api/auth/login', { method: 'POST', body: { email, password } })
    if (result.user.role !== 'admin') {
      // Do not leave a donor's session behind: end it at once.
      await api('/api/auth/logout', { method: 'POST', body: { refreshToken: result.refreshToken } }).catch(
        () => undefined,
      )
      throw new NotAdminError()
    }
    session.set(toSession(result))
  }, [])

  const signOut = useCallback(async () => {
    const refreshToken = session.get()?.refreshToken
    session.set(null)
    queryClient.clear()
    if (refreshToken) {
      await api('/api/auth/logout', { method: 'POST', body: { refreshToken } }).catch((error: unknown) => {
        if (!(error instanceof ApiError)) throw error
      })
    }
  }, [queryClient])

  const value = useMemo(() => ({ session: current, signIn, signOut }), [current, signIn, signOut])
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>
}

export function useAuth(): Auth {
  const auth = useContext(AuthContext)
  if (!auth) throw new Error('useAuth outside AuthProvider')
  return auth
}
