import { type ChangeEvent, type FormEvent, useCallback, useEffect, useMemo, useState } from 'react'
import { useSearchParams } from 'react-router'

export type Filters<K extends string> = Record<K, string>

/**
 * A list page's filters, kept in the URL's search params so a link (`/pledges?stuck=true`) opens
 * the list filtered and a reload keeps the filters. Empty values are left out of the URL.
 */
export function useUrlFilters<K extends string>(
  names: readonly K[],
): [Filters<K>, (next: Filters<K>) => void] {
  const [params, setParams] = useSearchParams()
  const search = params.toString()
  // biome-ignore lint/correctness/useExhaustiveDependencies: recomputed when the URL's query changes, not on every render
  const values = useMemo(
    () => Object.fromEntries(names.map((name) => [name, params.get(name) ?? ''])) as Filters<K>,
    [search],
  )
  const set = useCallback(
    (next: Filters<K>) =>
      setParams(
        (previous) => {
          const merged = new URLSearchParams(previous)
          for (const name of names) {
            const value = next[name].trim()
            if (value) merged.set(name, value)
            else merged.delete(name)
          }
          return merged
        },
        { replace: true },
      ),
    [names, setParams],
  )
  return [values, set]
}

/**
 * The filter form over `useUrlFilters`: text and date fields are drafts applied on submit (Enter
 * or Apply), selects and checkboxes apply at once; `validate` can refuse a draft with messages
 * per field. `key` changes with the applied filters, so results keyed on it start at page one.
 */
export function useFilterForm<K extends string>(
  names: readonly K[],
  validate?: (draft: Filters<K>) => Record<string, string>,
) {
  const [applied, setApplied] = useUrlFilters(names)
  const [draft, setDraft] = useState(applied)
  const [errors, setErrors] = useState<Record<string, string>>({})
  useEffect(() => setDraft(applied), [applied])

  const apply = (next: Filters<K>) => {
    setDraft(next)
    const found = validate?.(next) ?? {}
    setErrors(found)
    if (Object.keys(found).length === 0) setApplied(next)
  }

  return {
    applied,
    errors,
    key: names.map((name) => `${name}=${applied[name]}`).join('&'),
    /** A text or date field: a draft until the form is submitted. */
    text: (name: K) => ({
      name,
      value: draft[name],
      onChange: (event: ChangeEvent<HTMLInputElement>) => setDraft({ ...draft, [name]: event.target.value }),
    }),
    /** A select: applies its choice (and the rest of the draft) at once. */
    select: (name: K) => ({
      name,
      value: draft[name],
      onChange: (event: ChangeEvent<HTMLSelectElement>) => apply({ ...draft, [name]: event.target.value }),
    }),
    /** A checkbox kept as `true` or nothing. */
    checkbox: (name: K) => ({
      name,
      type: 'checkbox' as const,
      checked: draft[name] === 'true',
      onChange: (event: ChangeEvent<HTMLInputElement>) =>
        apply({ ...draft, [name]: event.target.checked ? 'true' : '' }),
    }),
    onSubmit: (event: FormEvent<HTMLFormElement>) => {
      event.preventDefault()
      apply(draft)
    },
    clear: () => apply(Object.fromEntries(names.map((name) => [name, ''])) as Filters<K>),
  }
}
