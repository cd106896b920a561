import { dashboard } from './dashboard'
import { stat, steps, timeseries } from './panels'
import { eventCount, prom, quantile, rate } from './queries'

// The careforall_* gauges are read from each service's tables, so every instance reports the same
// value: take max across instances, never sum. They are gauges, so what happened in the time range is
// their delta() over $__range, not increase(). Amounts are in cents; the panels show dollars.
const dollars = (cents: string) => `${cents} / 100`
const created = (metric: string, by: string) => `sum(max by (${by}) (delta(${metric}[$__range])))`

export const business = dashboard({
  uid: 'business',
  title: 'Care For All / Business',
  description: 'Campaigns, pledges, money, users and chat, totals reconciliation and domain events.',
  rows: [
    {
      title: 'Campaigns and pledges',
      cells: [
        stat({
          title: 'Campaigns by status',
          w: 12,
          targets: [prom('max by (status) (careforall_campaigns)', '{{status}}', { instant: true })],
        }),
        stat({
          title: 'Pledges by state',
          w: 12,
          targets: [prom('max by (state) (careforall_pledges)', '{{state}}', { instant: true })],
        }),
        stat({
          title: 'Campaigns created in range',
          description: 'Change of the number of campaigns (all statuses) over the selected range.',
          w: 6,
          targets: [prom(created('careforall_campaigns', 'status'), 'created', { instant: true })],
        }),
        stat({
          title: 'Pledges created in range',
          description: 'Change of the number of pledges (all states) over the selected range.',
          w: 6,
          targets: [prom(created('careforall_pledges', 'state'), 'created', { instant: true })],
        }),
        timeseries({
          title: 'Pledges by state',
          unit: 'short',
          stack: true,
          w: 12,
          targets: [prom('max by (state) (careforall_pledges)', '{{state}}')],
        }),
        timeseries({
          title: 'Pledges created per interval',
          description: 'Growth of the pledge count between consecutive points.',
          unit: 'short',
          w: 24,
          h: 6,
          targets: [prom('sum(max by (state) (delta(careforall_pledges[$__interval])))', 'created')],
        }),
      ],
    },
    {
      title: 'Money',
      cells: [
        stat({
          title: 'Captured (all time)',
          unit: 'currencyUSD',
          w: 6,
          targets: [prom(dollars('max(careforall_amount_captured_cents)'), 'captured')],
        }),
        stat({
          title: 'Refunded (all time)',
          unit: 'currencyUSD',
          w: 6,
          targets: [prom(dollars('max(careforall_amount_refunded_cents)'), 'refunded')],
        }),
        stat({
          title: 'Captured in range',
          unit: 'currencyUSD',
          w: 6,
          targets: [prom(dollars('max(delta(careforall_amount_captured_cents[$__range]))'), 'captured')],
        }),
        stat({
          title: 'Refunded in range',
          unit: 'currencyUSD',
          w: 6,
          targets: [prom(dollars('max(delta(careforall_amount_refunded_cents[$__range]))'), 'refunded')],
        }),
        timeseries({
          title: 'Amount captured and refunded',
          unit: 'currencyUSD',
          w: 24,
          h: 7,
          targets: [
            prom(dollars('max(careforall_amount_captured_cents)'), 'captured'),
            prom(dollars('max(careforall_amount_refunded_cents)'), 'refunded'),
          ],
        }),
      ],
    },
    {
      title: 'Users, chat and integrity',
      cells: [
        stat({
          title: 'Active users (15 min)',
          w: 4,
          graph: true,
          targets: [prom('max(careforall_active_users)', 'active users')],
        }),
        stat({
          title: 'Chat sockets open',
          description: 'Each chat-service instance holds its own sockets, hence sum.',
          w: 4,
          graph: true,
          targets: [prom('sum(chat_sockets_open)', 'sockets')],
        }),
        stat({
          title: 'Totals drift',
          description: 'Difference the reconciliation job found between the totals and the pledges.',
          unit: 'currencyUSD',
          w: 4,
          thresholds: steps([0.01, 'red']),
          targets: [prom(dollars('max(totals_drift_cents)'), 'drift')],
        }),
        stat({
          title: 'Drifting campaigns',
          w: 4,
          thresholds: steps([1, 'red']),
          targets: [prom('max(totals_drifting_campaigns)', 'campaigns')],
        }),
        stat({
          title: 'Last reconciliation',
          description: 'Time since the last successful reconciliation run.',
          unit: 's',
          w: 4,
          thresholds: steps([900, 'orange'], [3600, 'red']),
          targets: [prom('time() - max(totals_reconcile_last_success_seconds)', 'ago')],
        }),
        stat({
          title: 'Webhook signature failures in range',
          w: 4,
          thresholds: steps([1, 'red']),
          targets: [prom('sum(increase(payment_webhook_signature_failures_total[$__range]))', 'failures')],
        }),
        timeseries({
          title: 'Idempotent replays',
          description: 'Retried POSTs answered from their stored response.',
          unit: 'reqps',
          targets: [
            prom(`sum by (job, endpoint) (${rate('http_idempotent_replays_total')})`, '{{job}} {{endpoint}}'),
          ],
        }),
        timeseries({
          title: 'Capture visible in totals p95',
          unit: 's',
          targets: [prom(quantile(0.95, 'totals_change_visible_seconds', '', []), 'p95')],
        }),
        timeseries({
          title: 'Reconciliation runs',
          unit: 'short',
          targets: [
            prom('sum by (outcome) (increase(totals_reconcile_runs_total[$__rate_interval]))', '{{outcome}}'),
          ],
        }),
      ],
    },
    {
      title: 'Domain events',
      cells: [
        timeseries({
          title: 'Domain events stored',
          description: 'Every CloudEvent Logstash stored in careforall-events-*.',
          unit: 'short',
          w: 24,
          h: 7,
          targets: [eventCount('*')],
        }),
      ],
    },
  ],
})
