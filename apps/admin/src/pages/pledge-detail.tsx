import { toCents } from '@careforall/contracts'
import { useEffect, useState } from 'react'
import { Link, useParams } from 'react-router'
import { isSettling, refundableCents, usePayment, usePayments, useWebhooks } from '../api/payments'
import { usePledge } from '../api/pledges'
import type { PaymentDetail, PledgeWithHistory } from '../api/types'
import { Donor } from '../components/donor'
import { formatDateTime, money, shortId } from '../components/format'
import { CaptureDialog, RefundDialog } from '../components/payment-actions'
import { PaymentCard } from '../components/payment-card'
import { buildTimeline, Timeline } from '../components/pledge-timeline'
import { Badge, Button, ErrorBox, Loading, PageHeader, QueryView } from '../components/ui'

const POLL_MS = 2_000

/**
 * Whether the pledge is still moving: its payment not there yet, a provider call or a refund under
 * way, or the pledge not yet caught up with its payment (it follows the payment's events).
 */
function stillMoving(pledge: PledgeWithHistory | undefined, payment: PaymentDetail | undefined): boolean {
  if (!pledge) return false
  if (!payment) return pledge.state === 'PENDING'
  return (
    isSettling(payment) ||
    payment.status !== pledge.state ||
    toCents(payment.refundedAmount) !== toCents(pledge.refundedAmount)
  )
}

export function PledgeDetailPage() {
  const { id = '' } = useParams()
  const [polling, setPolling] = useState(false)
  const [dialog, setDialog] = useState<'capture' | 'refund' | null>(null)
  const [notice, setNotice] = useState<string | null>(null)
  const interval = polling ? POLL_MS : false

  const pledge = usePledge(id, interval)
  const needsLookup = pledge.isSuccess && pledge.data.paymentId === null
  const lookup = usePayments({ pledgeId: id }, undefined, { enabled: needsLookup, refetchInterval: interval })
  const paymentId = pledge.data?.paymentId ?? (needsLookup ? lookup.data?.items[0]?.id : undefined)
  const payment = usePayment(paymentId, interval)
  const webhooks = useWebhooks(paymentId, interval)

  const moving = stillMoving(pledge.data, payment.data)
  useEffect(() => setPolling(moving), [moving])

  const detail = payment.data
  const remaining = detail ? refundableCents(detail) : 0
  const actions = detail ? (
    <>
      {detail.status === 'AUTHORIZED' ? (
        <Button variant="primary" onClick={() => setDialog('capture')}>
          Capture
        </Button>
      ) : null}
      {remaining > 0 ? (
        <Button variant="danger" onClick={() => setDialog('refund')}>
          Refund
        </Button>
      ) : null}
    </>
  ) : null

  return (
    <>
      <PageHeader title={`Pledge ${shortId(id)}`} actions={actions} />
      <p>
        <Link to="/pledges">← All pledges</Link>
      </p>
      {notice ? (
        <p className="notice" role="status">
          {notice}
        </p>
      ) : null}
      <QueryView query={pledge}>
        {(found) => (
          <>
            <div className="two-columns">
              <PledgeCard pledge={found} />
              <PaymentCard lookup={needsLookup ? lookup : null} paymentId={paymentId} payment={payment} />
            </div>
            <section className="card" aria-labelledby="timeline-title">
              <h2 id="timeline-title">
                Timeline {moving ? <small className="muted">(following…)</small> : null}
              </h2>
              {webhooks.isError ? (
                <ErrorBox error={webhooks.error} onRetry={() => void webhooks.refetch()} />
              ) : null}
              {paymentId && webhooks.isPending ? <Loading label="Loading webhook deliveries…" /> : null}
              <Timeline entries={buildTimeline(found, detail, webhooks.data?.items)} />
            </section>
          </>
        )}
      </QueryView>
      {dialog === 'capture' && detail ? (
        <CaptureDialog
          payment={detail}
          onCancel={() => setDialog(null)}
          onDone={() => {
            setDialog(null)
            setNotice('Capture requested: the payment becomes CAPTURED when the provider confirms.')
          }}
        />
      ) : null}
      {dialog === 'refund' && detail ? (
        <RefundDialog
          payment={detail}
          remainingCents={remaining}
          onCancel={() => setDialog(null)}
          onDone={(refund) => {
            setDialog(null)
            setNotice(`Refund of ${money(refund.amount)} requested (${refund.status}); this page follows it.`)
          }}
        />
      ) : null}
    </>
  )
}

function PledgeCard({ pledge }: { pledge: PledgeWithHistory }) {
  return (
    <section className="card" aria-labelledby="pledge-title">
      <h2 id="pledge-title">Pledge</h2>
      <dl className="facts">
        <dt>State</dt>
        <dd>
          <Badge value={pledge.state} />
        </dd>
        <dt>Amount</dt>
        <dd>{money(pledge.amount)}</dd>
        <dt>Refunded</dt>
        <dd>{money(pledge.refundedAmount)}</dd>
        <dt>Donor</dt>
        <dd>
          <Donor pledge={pledge} />
        </dd>
        <dt>Donor account</dt>
        <dd>{pledge.userId ? <code>{pledge.userId}</code> : 'Guest'}</dd>
        <dt>Campaign</dt>
        <dd>
          <Link to={`/campaigns/${pledge.campaignId}`}>
            <code>{pledge.campaignId}</code>
          </Link>
        </dd>
        <dt>Payment method</dt>
        <dd>{pledge.paymentMethod}</dd>
        <dt>Pledge id</dt>
        <dd>
          <code>{pledge.id}</code>
        </dd>
        <dt>Created</dt>
        <dd>{formatDateTime(pledge.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>{formatDateTime(pledge.updatedAt)}</dd>
      </dl>
    </section>
  )
}
