import { useCallback, useRef } from 'react'
import { newIdempotencyKey } from '../api/client'

/**
 * One idempotency key per user action, made when the action's dialog opens (mounts): every submit
 * of the same request reuses it, so a double click or a retry after a network error sends the same
 * key and the API acts once. A different request body (the admin changed the amount after a
 * refusal) is a different action and gets a fresh key: the API answers a reused key with another
 * body with 422, and replays a refusal stored under the old key.
 */
export function useIdempotencyKey(): (body: unknown) => string {
  const current = useRef<{ key: string; body: string | undefined } | null>(null)
  current.current ??= { key: newIdempotencyKey(), body: undefined }
  return useCallback((body: unknown) => {
    const fingerprint = JSON.stringify(body ?? null)
    const action = current.current!
    if (action.body !== undefined && action.body !== fingerprint) {
      current.current = { key: newIdempotencyKey(), body: fingerprint }
    } else {
      action.body = fingerprint
    }
    return current.current!.key
  }, [])
}
