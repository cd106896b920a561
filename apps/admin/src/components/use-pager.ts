import { useCallback, useState } from 'react'

/** Keyset pages: the cursor of the page shown, and the ones before it to go back to. */
export function usePager() {
  const [cursors, setCursors] = useState<string[]>([])
  const next = useCallback((cursor: string) => setCursors((seen) => [...seen, cursor]), [])
  const previous = useCallback(() => setCursors((seen) => seen.slice(0, -1)), [])
  const reset = useCallback(() => setCursors([]), [])
  return { cursor: cursors.at(-1), hasPrevious: cursors.length > 0, next, previous, reset }
}
