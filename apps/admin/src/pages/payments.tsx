import { Id } from '@careforall/contracts'
import { Link } from 'react-router'
import { PAYMENT_STATUSES, type PaymentQuery, RECOVERY_POINTS, usePayments } from '../api/payments'
import type { Payment } from '../api/types'
import { formatDateTime, money, shortId } from '../components/format'
import { Badge, Button, PageHeader, Pager, QueryView, SelectInput, TextInput } from '../components/ui'
import { usePager } from '../components/use-pager'
import { type Filters, useFilterForm } from '../components/use-url-filters'

const FILTERS = ['status', 'recoveryPoint', 'pledgeId'] as const
type PaymentFilters = Filters<(typeof FILTERS)[number]>

const STATUS_OPTIONS = [
  { value: '', label: 'Any status' },
  ...PAYMENT_STATUSES.map((status) => ({ value: status, label: status })),
]

const POINT_LABELS: Record<string, string> = {
  needs_attention: 'needs_attention (refused by the provider)',
  awaiting_capture: 'awaiting_capture (waits for an admin)',
}
const POINT_OPTIONS = [
  { value: '', label: 'Any recovery point' },
  ...RECOVERY_POINTS.map((point) => ({ value: point, label: POINT_LABELS[point] ?? point })),
]

function validate(filters: PaymentFilters): Record<string, string> {
  return filters.pledgeId.trim() && !Id.safeParse(filters.pledgeId.trim()).success
    ? { pledgeId: 'A pledge id is a UUID' }
    : {}
}

function toQuery(filters: PaymentFilters): PaymentQuery {
  const status = PAYMENT_STATUSES.find((value) => value === filters.status)
  const recoveryPoint = RECOVERY_POINTS.find((value) => value === filters.recoveryPoint)
  return { status, recoveryPoint, pledgeId: filters.pledgeId || undefined }
}

export function PaymentsPage() {
  const form = useFilterForm(FILTERS, validate)
  return (
    <>
      <PageHeader title="Payments" />
      <form className="filters" aria-label="Filter payments" onSubmit={form.onSubmit} noValidate>
        <SelectInput label="Status" options={STATUS_OPTIONS} {...form.select('status')} />
        <SelectInput label="Recovery point" options={POINT_OPTIONS} {...form.select('recoveryPoint')} />
        <TextInput
          label="Pledge id"
          placeholder="UUID"
          spellCheck={false}
          {...form.text('pledgeId')}
          error={form.errors.pledgeId}
        />
        <div className="actions">
          <Button type="submit" variant="primary">
            Apply
          </Button>
          <Button onClick={form.clear}>Clear</Button>
        </div>
      </form>
      <PaymentResults key={form.key} filters={form.applied} />
    </>
  )
}

function PaymentResults({ filters }: { filters: PaymentFilters }) {
  const pager = usePager()
  const query = usePayments(toQuery(filters), pager.cursor)
  return (
    <QueryView
      query={query}
      isEmpty={(page) => page.items.length === 0 && !pager.hasPrevious}
      empty={
        filters.recoveryPoint === 'needs_attention'
          ? 'No payment needs attention.'
          : 'No payments match these filters.'
      }
    >
      {(page) => (
        <>
          <PaymentTable payments={page.items} />
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

function PaymentTable({ payments }: { payments: readonly Payment[] }) {
  return (
    <div className="table-wrap">
      <table aria-label="Payments">
        <thead>
          <tr>
            <th scope="col">Pledge</th>
            <th scope="col">Created</th>
            <th scope="col" className="num">
              Amount
            </th>
            <th scope="col" className="num">
              Captured
            </th>
            <th scope="col" className="num">
              Refunded
            </th>
            <th scope="col">Status</th>
            <th scope="col">Recovery point</th>
            <th scope="col">Provider</th>
            <th scope="col">Last error</th>
          </tr>
        </thead>
        <tbody>
          {payments.map((payment) => (
            <tr key={payment.id}>
              <td>
                <Link to={`/pledges/${payment.pledgeId}`} title={`payment ${payment.id}`}>
                  <span className="visually-hidden">Pledge </span>
                  {shortId(payment.pledgeId)}
                </Link>
              </td>
              <td>{formatDateTime(payment.createdAt)}</td>
              <td className="num">{money(payment.amount)}</td>
              <td className="num">{money(payment.capturedAmount)}</td>
              <td className="num">{money(payment.refundedAmount)}</td>
              <td>
                <Badge value={payment.status} />
                {payment.failureReason ? <span className="muted"> {payment.failureReason}</span> : null}
              </td>
              <td>
                <code>{payment.recoveryPoint}</code>
              </td>
              <td>{payment.provider}</td>
              <td className="wrap">
                {payment.lastError ? <span className="error">{payment.lastError}</span> : '—'}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
