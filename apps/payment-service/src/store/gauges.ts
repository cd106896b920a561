import type { DbGauge, GaugeRow } from '@careforall/db'

/** Money captured and refunded over all time, in cents, read when Prometheus scrapes. */
export const paymentGauges: DbGauge[] = [
  {
    name: 'careforall_amount_captured_cents',
    description: 'Amount captured from donors over all time, in cents (refunds not deducted)',
    read: (sql) =>
      sql<GaugeRow[]>`select (coalesce(sum(captured_amount), 0) * 100)::bigint as value from payments`,
  },
  {
    name: 'careforall_amount_refunded_cents',
    description: 'Amount refunded to donors over all time, in cents',
    read: (sql) =>
      sql<GaugeRow[]>`select (coalesce(sum(refunded_amount), 0) * 100)::bigint as value from payments`,
  },
]
