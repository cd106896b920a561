import { Id, type PledgeState } from '@careforall/contracts'
import { Link } from 'react-router'
import { PLEDGE_STATES, type PledgeQuery, usePledges } from '../api/pledges'
import type { Pledge } from '../api/types'
import { checkDayRange, dayAfter, dayStart } from '../components/days'
import { Donor } from '../components/donor'
import { formatDateTime, money, shortId } from '../components/format'
import { Badge, Button, PageHeader, Pager, QueryView, SelectInput, TextInput } from '../components/ui'
import { usePager } from '../components/use-pager'
import { type Filters, useFilterForm } from '../components/use-url-filters'

const FILTERS = ['campaignId', 'state', 'from', 'to', 'stuck'] as const
type PledgeFilters = Filters<(typeof FILTERS)[number]>

const STATE_OPTIONS = [
  { value: '', label: 'Any state' },
  ...PLEDGE_STATES.map((state) => ({ value: state, label: state })),
]

function validate(filters: PledgeFilters): Record<string, string> {
  const errors = checkDayRange(filters.from, filters.to)
  if (filters.campaignId.trim() && !Id.safeParse(filters.campaignId.trim()).success) {
    errors.campaignId = 'A campaign id is a UUID'
  }
  return errors
}

/** The URL's filters (days, `true`) as the API takes them (instants, a boolean). */
function toQuery(filters: PledgeFilters): PledgeQuery {
  return {
    campaignId: filters.campaignId || undefined,
    state: (PLEDGE_STATES as readonly string[]).includes(filters.state)
      ? (filters.state as PledgeState)
      : undefined,
    from: filters.from ? dayStart(filters.from) : undefined,
    to: filters.to ? dayAfter(filters.to) : undefined,
    stuck: filters.stuck === 'true' || undefined,
  }
}

export function PledgesPage() {
  const form = useFilterForm(FILTERS, validate)
  return (
    <>
      <PageHeader title="Pledges" />
      <form className="filters" aria-label="Filter pledges" onSubmit={form.onSubmit} noValidate>
        <TextInput
          label="Campaign id"
          placeholder="UUID"
          spellCheck={false}
          {...form.text('campaignId')}
          error={form.errors.campaignId}
        />
        <SelectInput label="State" options={STATE_OPTIONS} {...form.select('state')} />
        <TextInput label="Created from" type="date" {...form.text('from')} error={form.errors.from} />
        <TextInput label="Created to" type="date" {...form.text('to')} error={form.errors.to} />
        <label className="check">
          <input {...form.checkbox('stuck')} /> Stuck only
        </label>
        <div className="actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          <Button onClick={form.clear}>Clear</Button>
        </div>
      </form>
      <PledgeResults key={form.key} filters={form.applied} />
    </>
  )
}

function PledgeResults({ filters }: { filters: PledgeFilters }) {
  const pager = usePager()
  const query = usePledges(toQuery(filters), pager.cursor)
  const stuck = filters.stuck === 'true'
  return (
    <QueryView
      query={query}
      isEmpty={(page) => page.items.length === 0 && !pager.hasPrevious}
      empty={stuck ? 'No stuck pledges: every pledge is moving.' : 'No pledges match these filters.'}
    >
      {(page) => (
        <>
          {stuck ? (
            <p className="muted">PENDING or AUTHORIZED pledges that have not changed for a while.</p>
          ) : null}
          <PledgeTable pledges={page.items} />
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

function PledgeTable({ pledges }: { pledges: readonly Pledge[] }) {
  return (
    <div className="table-wrap">
      <table aria-label="Pledges">
        <thead>
          <tr>
            <th scope="col">Pledge</th>
            <th scope="col">Created</th>
            <th scope="col">Donor</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col" className="num">
              Refunded
            </th>
            <th scope="col">State</th>
            <th scope="col">Campaign</th>
            <th scope="col">Updated</th>
          </tr>
        </thead>
        <tbody>
          {pledges.map((pledge) => (
            <tr key={pledge.id}>
              <td>
                <Link to={`/pledges/${pledge.id}`} title={pledge.id}>
                  <span className="visually-hidden">Pledge </span>
                  {shortId(pledge.id)}
                </Link>
              </td>
              <td>{formatDateTime(pledge.createdAt)}</td>
              <td>
                <Donor pledge={pledge} />
              </td>
              <td className="num">{money(pledge.amount)}</td>
              <td className="num">{pledge.refundedAmount > 0 ? money(pledge.refundedAmount) : '—'}</td>
              <td>
                <Badge value={pledge.state} />
              </td>
              <td>
                <Link to={`/campaigns/${pledge.campaignId}`} title={pledge.campaignId}>
                  <span className="visually-hidden">Campaign </span>
                  {shortId(pledge.campaignId)}
                </Link>
              </td>
              <td>{formatDateTime(pledge.updatedAt)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
