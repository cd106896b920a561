import type { Sql } from '@careforall/db'

/**
 * Wraps a pool so every statement it runs is counted: a query built from the pool (a tagged
 * template or `unsafe`) counts when it is awaited, which is when postgres.js sends it (fragments
 * nested in another query never are); a transaction (`begin`) or reserved connection counts once.
 */
export function countedSql(sql: Sql): { sql: Sql; count: () => number } {
  let count = 0
  const onExecute = <T>(query: T): T => {
    const then = (query as { then?: unknown }).then
    if (typeof then !== 'function') return query
    let sent = false
    Object.defineProperty(query, 'then', {
      value(this: unknown, ...args: unknown[]) {
        if (!sent) count++
        sent = true
        return then.apply(this, args)
      },
    })
    return query
  }
  const proxy = new Proxy(sql, {
    apply: (target, self, args) => onExecute(Reflect.apply(target, self, args)),
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver)
      if (typeof value !== 'function') return value
      if (property === 'unsafe') return (...args: unknown[]) => onExecute(value.apply(target, args))
      if (property === 'begin' || property === 'reserve') {
        return (...args: unknown[]) => {
          count++
          return value.apply(target, args)
        }
      }
      return value
    },
  })
  return { sql: proxy, count: () => count }
}
