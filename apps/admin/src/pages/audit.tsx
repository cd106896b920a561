import { Id } from '@careforall/contracts'
import { Fragment, useState } from 'react'
import { Link } from 'react-router'
import { AUDIT_ACTIONS, type AuditQuery, useAudit } from '../api/audit'
import type { AuditEntry } from '../api/types'
import { checkDayRange, dayAfter, dayStart } from '../components/days'
import { formatDateTime, shortId } from '../components/format'
import { Button, PageHeader, Pager, QueryView, SelectInput, TextInput } from '../components/ui'
import { usePager } from '../components/use-pager'
import { type Filters, useFilterForm } from '../components/use-url-filters'

const FILTERS = ['action', 'actorId', 'targetId', 'from', 'to'] as const
type AuditFilters = Filters<(typeof FILTERS)[number]>

const ACTION_OPTIONS = [
  { value: '', label: 'Any action' },
  ...AUDIT_ACTIONS.map((action) => ({ value: action, label: action })),
]

function validate(filters: AuditFilters): Record<string, string> {
  const errors = checkDayRange(filters.from, filters.to)
  for (const name of ['actorId', 'targetId'] as const) {
    if (filters[name].trim() && !Id.safeParse(filters[name].trim()).success) errors[name] = 'An id is a UUID'
  }
  return errors
}

function toQuery(filters: AuditFilters): AuditQuery {
  return {
    action: filters.action || undefined,
    actorId: filters.actorId || undefined,
    targetId: filters.targetId || undefined,
    from: filters.from ? dayStart(filters.from) : undefined,
    to: filters.to ? dayAfter(filters.to) : undefined,
  }
}

export function AuditPage() {
  const form = useFilterForm(FILTERS, validate)
  return (
    <>
      <PageHeader title="Audit log" />
      <form className="filters" aria-label="Filter the audit log" onSubmit={form.onSubmit} noValidate>
        <SelectInput label="Action" options={ACTION_OPTIONS} {...form.select('action')} />
        <TextInput
          label="Actor id"
          placeholder="UUID"
          spellCheck={false}
          {...form.text('actorId')}
          error={form.errors.actorId}
        />
        <TextInput
          label="Target id"
          placeholder="UUID"
          spellCheck={false}
          {...form.text('targetId')}
          error={form.errors.targetId}
        />
        <TextInput label="From" type="date" {...form.text('from')} error={form.errors.from} />
        <TextInput label="To" type="date" {...form.text('to')} error={form.errors.to} />
        <div className="actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          <Button onClick={form.clear}>Clear</Button>
        </div>
      </form>
      <AuditResults key={form.key} filters={form.applied} />
    </>
  )
}

function AuditResults({ filters }: { filters: AuditFilters }) {
  const pager = usePager()
  const query = useAudit(toQuery(filters), pager.cursor)
  return (
    <QueryView
      query={query}
      isEmpty={(page) => page.items.length === 0 && !pager.hasPrevious}
      empty="No admin actions match these filters."
    >
      {(page) => (
        <>
          <AuditTable entries={page.items} />
          <Pager
            hasPrevious={pager.hasPrevious}
            nextCursor={page.nextCursor}
            onPrevious={pager.previous}
            onNext={pager.next}
          />
        </>
      )}
    </QueryView>
  )
}

/** Where a target can be opened: a user in the user list, a payment through its pledge. */
function Target({ entry }: { entry: AuditEntry }) {
  if (entry.action.startsWith('user.')) {
    return (
      <Link to={`/users?q=${encodeURIComponent(entry.targetId)}`} title={entry.targetId}>
        <span className="visually-hidden">User </span>
        {shortId(entry.targetId)}
      </Link>
    )
  }
  const pledgeId = entry.details.pledgeId
  if (entry.action.startsWith('payment.') && typeof pledgeId === 'string') {
    return (
      <>
        <span title={entry.targetId}>payment {shortId(entry.targetId)}</span> ·{' '}
        <Link to={`/pledges/${pledgeId}`} title={pledgeId}>
          pledge {shortId(pledgeId)}
        </Link>
      </>
    )
  }
  return <span title={entry.targetId}>{shortId(entry.targetId)}</span>
}

function AuditTable({ entries }: { entries: readonly AuditEntry[] }) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set())
  const toggle = (id: string) =>
    setOpen((current) => {
      const next = new Set(current)
      if (!next.delete(id)) next.add(id)
      return next
    })
  return (
    <div className="table-wrap">
      <table aria-label="Audit log">
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Action</th>
            <th scope="col">Actor</th>
            <th scope="col">Target</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((entry) => {
            const expanded = open.has(entry.id)
            const detailsId = `audit-details-${entry.id}`
            return (
              <Fragment key={entry.id}>
                <tr>
                  <td>{formatDateTime(entry.at)}</td>
                  <td>
                    <code>{entry.action}</code>
                  </td>
                  <td>
                    <Link to={`/users?q=${encodeURIComponent(entry.actorId)}`} title={entry.actorId}>
                      <span className="visually-hidden">User </span>
                      {shortId(entry.actorId)}
                    </Link>
                  </td>
                  <td>
                    <Target entry={entry} />
                  </td>
                  <td>
                    <Button
                      aria-expanded={expanded}
                      aria-controls={expanded ? detailsId : undefined}
                      onClick={() => toggle(entry.id)}
                    >
                      {expanded ? 'Hide' : 'Show'} details
                      <span className="visually-hidden">
                        {' '}
                        of {entry.action} at {formatDateTime(entry.at)}
                      </span>
                    </Button>
                  </td>
                </tr>
                {expanded ? (
                  <tr id={detailsId}>
                    <td colSpan={5}>
                      <pre className="details-json">{JSON.stringify(entry.details, null, 2)}</pre>
                    </td>
                  </tr>
                ) : null}
              </Fragment>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
