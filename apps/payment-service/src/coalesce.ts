/**
 * Turns a batch write into a per-item call: items that arrive while a batch is being written wait
 * and go out together in the next one, so under load N items cost a handful of statements instead
 * of N, and alone an item is written at once. Each caller's promise settles with its own batch.
 */
export function coalesce<T>(write: (items: T[]) => Promise<void>): (item: T) => Promise<void> {
  let queued: { item: T; done: PromiseWithResolvers<void> }[] = []
  let writing = false

  const next = () => {
    if (writing || queued.length === 0) return
    const batch = queued
    queued = []
    writing = true
    // A write that throws instead of rejecting must not leave `writing` set for good.
    new Promise<void>((resolve) => resolve(write(batch.map((entry) => entry.item))))
      .then(
        () => {
          for (const entry of batch) entry.done.resolve()
        },
        (error: unknown) => {
          for (const entry of batch) entry.done.reject(error)
        },
      )
      .finally(() => {
        writing = false
        next()
      })
  }

  return (item) => {
    const done = Promise.withResolvers<void>()
    queued.push({ item, done })
    next()
    return done.promise
  }
}
