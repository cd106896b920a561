import type { UseQueryResult } from '@tanstack/react-query'
import type { ReactNode } from 'react'
import { refundableCents } from '../api/payments'
import type { Page, Payment, PaymentDetail } from '../api/types'
import { formatDateTime, money } from './format'
import { Badge, Empty, ErrorBox, Loading, QueryView } from './ui'

/**
 * A pledge's payment: found by the pledge's paymentId, or (before the pledge has heard of it) by
 * asking the payment service for the payment of this pledge.
 */
export function PaymentCard({
  lookup,
  paymentId,
  payment,
}: {
  lookup: UseQueryResult<Page<Payment>> | null
  paymentId: string | undefined
  payment: UseQueryResult<PaymentDetail>
}) {
  let body: ReactNode
  if (!paymentId && lookup?.isPending) body = <Loading label="Looking for its payment…" />
  else if (!paymentId && lookup?.isError)
    body = <ErrorBox error={lookup.error} onRetry={() => void lookup.refetch()} />
  else if (!paymentId) body = <Empty>No payment yet: the payment service has not taken this pledge up.</Empty>
  else body = <QueryView query={payment}>{(detail) => <PaymentFacts payment={detail} />}</QueryView>
  return (
    <section className="card" aria-labelledby="payment-title">
      <h2 id="payment-title">Payment</h2>
      {body}
    </section>
  )
}

function PaymentFacts({ payment }: { payment: PaymentDetail }) {
  return (
    <>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <Badge value={payment.status} />
        </dd>
        <dt>Amount</dt>
        <dd>{money(payment.amount)}</dd>
        <dt>Captured</dt>
        <dd>{money(payment.capturedAmount)}</dd>
        <dt>Refunded</dt>
        <dd>{money(payment.refundedAmount)}</dd>
        <dt>May still be refunded</dt>
        <dd>{money(refundableCents(payment) / 100)}</dd>
        <dt>Recovery point</dt>
        <dd>
          <code>{payment.recoveryPoint}</code>
        </dd>
        <dt>Provider</dt>
        <dd>
          {payment.provider} <code>{payment.providerTransactionId ?? '—'}</code>
        </dd>
        <dt>Payment id</dt>
        <dd>
          <code>{payment.id}</code>
        </dd>
        {payment.failureReason ? (
          <>
            <dt>Failure</dt>
            <dd>{payment.failureReason}</dd>
          </>
        ) : null}
        {payment.lastError ? (
          <>
            <dt>Last error</dt>
            <dd className="error">{payment.lastError}</dd>
          </>
        ) : null}
        <dt>Authorized</dt>
        <dd>{formatDateTime(payment.authorizedAt)}</dd>
        <dt>Captured at</dt>
        <dd>{formatDateTime(payment.capturedAt)}</dd>
      </dl>
      {payment.refunds.length > 0 ? (
        <div className="table-wrap">
          <table aria-label="Refunds">
            <thead>
              <tr>
                <th scope="col" className="num">
                  Amount
                </th>
                <th scope="col">Status</th>
                <th scope="col">Requested</th>
                <th scope="col">Completed</th>
              </tr>
            </thead>
            <tbody>
              {payment.refunds.map((refund) => (
                <tr key={refund.id}>
                  <td className="num">{money(refund.amount)}</td>
                  <td>
                    <Badge value={refund.status} />
                    {refund.lastError ? <span className="error"> {refund.lastError}</span> : null}
                  </td>
                  <td>{formatDateTime(refund.createdAt)}</td>
                  <td>{formatDateTime(refund.completedAt)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </>
  )
}
