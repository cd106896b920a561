import { type ReactNode, useMemo, useState } from 'react'

export type SortDirection = 'ascending' | 'descending'
export interface Sort<K extends string> {
  key: K
  direction: SortDirection
}

/**
 * Sorts rows on the client by one column at a time: a new column starts ascending, the same one
 * flips. For tables whose API has a single order (keyset pages), so only the page shown is sorted.
 */
export function useSort<T, K extends string>(
  rows: readonly T[],
  compare: Record<K, (a: T, b: T) => number>,
  initial: Sort<NoInfer<K>>,
) {
  const [sort, setSort] = useState<Sort<K>>(initial)
  const sorted = useMemo(() => {
    const by = compare[sort.key]
    const sign = sort.direction === 'ascending' ? 1 : -1
    return [...rows].sort((a, b) => sign * by(a, b))
  }, [rows, compare, sort])
  const toggle = (key: K) =>
    setSort((current) =>
      current.key === key
        ? { key, direction: current.direction === 'ascending' ? 'descending' : 'ascending' }
        : { key, direction: 'ascending' },
    )
  return { sorted, sort, toggle }
}

/** A column header that sorts: the button is what the keyboard reaches, `aria-sort` says the order. */
export function SortHeader<K extends string>({
  column,
  sort,
  onSort,
  className,
  children,
}: {
  column: K
  sort: Sort<K>
  onSort: (column: K) => void
  className?: string
  children: ReactNode
}) {
  const active = sort.key === column
  return (
    <th scope="col" aria-sort={active ? sort.direction : 'none'} className={className}>
      <button type="button" onClick={() => onSort(column)}>
        {children}
        <span aria-hidden="true" className="sort-mark">
          {active ? (sort.direction === 'ascending' ? ' ▲' : ' ▼') : ' ↕'}
        </span>
      </button>
    </th>
  )
}
