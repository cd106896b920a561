/**
 * The provider calls this process has started and not finished: `track` one, `idle` resolves
 * when none is left (shutdown waits for it, tests too).
 */
export function inFlight() {
  const running = new Set<Promise<void>>()
  return {
    track(work: Promise<void>): Promise<void> {
      const tracked = work.finally(() => running.delete(tracked))
      running.add(tracked)
      return tracked
    },
    idle: async () => {
      while (running.size > 0) await Promise.allSettled([...running])
    },
  }
}
