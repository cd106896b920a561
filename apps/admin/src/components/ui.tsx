import type { UseQueryResult } from '@tanstack/react-query'
import {
  type ComponentProps,
  type InputHTMLAttributes,
  type ReactNode,
  type SelectHTMLAttributes,
  useEffect,
  useId,
  useRef,
} from 'react'
import { ApiError } from '../api/client'

/*
 * The panel's few building blocks, written here rather than generated (the machines this is
 * built on reach only the npm registry): plain elements with accessible labels and focus styles.
 */

type ButtonProps = ComponentProps<'button'> & { variant?: 'primary' | 'secondary' | 'danger' }

export function Button({ variant = 'secondary', className, type = 'button', ...props }: ButtonProps) {
  return <button type={type} className={`btn btn-${variant} ${className ?? ''}`} {...props} />
}

interface FieldProps {
  label: string
  error?: string | undefined
  hint?: string
  children: (props: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode
}

/** A labelled control with its validation message announced to screen readers. */
export function Field({ label, error, hint, children }: FieldProps) {
  const id = useId()
  const describedBy = error ? `${id}-error` : hint ? `${id}-hint` : undefined
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children({
        id,
        'aria-invalid': Boolean(error),
        ...(describedBy ? { 'aria-describedby': describedBy } : {}),
      })}
      {hint && !error ? (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
      {error ? (
        <small id={`${id}-error`} className="error" role="alert">
          {error}
        </small>
      ) : null}
    </div>
  )
}

export function TextInput({
  label,
  error,
  hint,
  ...props
}: InputHTMLAttributes<HTMLInputElement> & { label: string; error?: string | undefined; hint?: string }) {
  return (
    <Field label={label} error={error} {...(hint ? { hint } : {})}>
      {(a11y) => <input {...a11y} {...props} />}
    </Field>
  )
}

export function SelectInput({
  label,
  options,
  ...props
}: SelectHTMLAttributes<HTMLSelectElement> & {
  label: string
  options: readonly { value: string; label: string }[]
}) {
  return (
    <Field label={label}>
      {(a11y) => (
        <select {...a11y} {...props}>
          {options.map((option) => (
            <option key={option.value} value={option.value}>
              {option.label}
            </option>
          ))}
        </select>
      )}
    </Field>
  )
}

/** What went wrong, in words: the API's problem title and detail, never a stack. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.status === 403) return 'You are not allowed to see this: it needs the admin role.'
    return error.problem.detail ? `${error.problem.title}: ${error.problem.detail}` : error.problem.title
  }
  if (error instanceof TypeError) return 'The platform could not be reached. Check that it is running.'
  return error instanceof Error ? error.message : 'Something went wrong.'
}

export function ErrorBox({ error, onRetry }: { error: unknown; onRetry?: () => void }) {
  return (
    <div className="state state-error" role="alert">
      <p>{errorMessage(error)}</p>
      {onRetry ? <Button onClick={onRetry}>Try again</Button> : null}
    </div>
  )
}

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="state state-loading" role="status" aria-live="polite">
      {label}
    </div>
  )
}

export function Empty({ children }: { children: ReactNode }) {
  return <div className="state state-empty">{children}</div>
}

/**
 * Renders a query's three other states (loading, error with retry, empty) the same way on every
 * page, and the data when there is some.
 */
export function QueryView<T>({
  query,
  isEmpty,
  empty,
  children,
}: {
  query: UseQueryResult<T>
  isEmpty?: (data: T) => boolean
  empty?: ReactNode
  children: (data: T) => ReactNode
}) {
  if (query.isPending) return <Loading />
  if (query.isError) return <ErrorBox error={query.error} onRetry={() => void query.refetch()} />
  if (isEmpty?.(query.data)) return <Empty>{empty ?? 'Nothing here yet.'}</Empty>
  return <>{children(query.data)}</>
}

export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${value.toLowerCase()}`}>{value}</span>
}

export function PageHeader({ title, actions }: { title: string; actions?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {actions ? <div className="actions">{actions}</div> : null}
    </header>
  )
}

/** A modal that asks before a mutation; Escape or Cancel closes it, focus starts on Cancel. */
export function ConfirmDialog({
  title,
  children,
  confirmLabel,
  busy,
  error,
  onConfirm,
  onCancel,
  variant = 'danger',
}: {
  title: string
  children: ReactNode
  confirmLabel: string
  busy?: boolean
  error?: unknown
  onConfirm: () => void
  onCancel: () => void
  variant?: 'primary' | 'danger'
}) {
  const titleId = useId()
  const cancelRef = useRef<HTMLButtonElement>(null)
  // The latest onCancel, so a parent passing a new function on each render neither moves the
  // focus back to Cancel nor re-adds the listener.
  const cancel = useRef(onCancel)
  cancel.current = onCancel
  useEffect(() => {
    cancelRef.current?.focus()
    const onKey = (event: KeyboardEvent) => {
      if (event.key === 'Escape') cancel.current()
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [])
  return (
    <div className="overlay">
      <div className="dialog" role="dialog" aria-modal="true" aria-labelledby={titleId}>
        <h2 id={titleId}>{title}</h2>
        <div>{children}</div>
        {error ? <ErrorBox error={error} /> : null}
        <div className="actions">
          <Button ref={cancelRef} onClick={onCancel} disabled={busy}>
            Cancel
          </Button>
          <Button variant={variant} onClick={onConfirm} disabled={busy}>
            {busy ? 'Working…' : confirmLabel}
          </Button>
        </div>
      </div>
    </div>
  )
}

/** Keyset paging: the API gives a next cursor; the pages seen are kept to go back. */
export function Pager({
  hasPrevious,
  nextCursor,
  onPrevious,
  onNext,
}: {
  hasPrevious: boolean
  nextCursor: string | null
  onPrevious: () => void
  onNext: (cursor: string) => void
}) {
  return (
    <nav className="pager" aria-label="Pages">
      <Button onClick={onPrevious} disabled={!hasPrevious}>
        Previous
      </Button>
      <Button onClick={() => nextCursor && onNext(nextCursor)} disabled={!nextCursor}>
        Next
      </Button>
    </nav>
  )
}
