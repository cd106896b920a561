import type { PaymentDetail, PledgeWithHistory, WebhookDelivery } from '../api/types'
import { money } from './format'
import { Badge } from './ui'

export interface TimelineEntry {
  key: string
  at: string
  kind: 'pledge' | 'payment' | 'webhook' | 'refund'
  title: string
  detail?: string | undefined
}

function plural(count: number, one: string, many: string): string {
  return `${count} ${count === 1 ? one : many}`
}

/**
 * One story of a pledge, oldest first: its state changes, its payment's status history, the
 * provider's webhooks (with how many copies arrived and what came of them) and its refunds.
 * Entries at the same instant keep that order (the sort is stable).
 */
export function buildTimeline(
  pledge: PledgeWithHistory,
  payment?: PaymentDetail,
  webhooks: readonly WebhookDelivery[] = [],
): TimelineEntry[] {
  const entries: TimelineEntry[] = []
  pledge.history.forEach((change, index) => {
    entries.push({
      key: `pledge-${index}`,
      at: change.at,
      kind: 'pledge',
      title: change.from ? `Pledge ${change.from} → ${change.to}` : `Pledge created (${change.to})`,
      detail: `cause ${change.causeEventId}`,
    })
  })
  payment?.history.forEach((change, index) => {
    const moved = change.from !== change.to
    const title = !change.from
      ? `Payment created (${change.to})`
      : moved
        ? `Payment ${change.from} → ${change.to}`
        : `${change.event ?? 'Payment change'} recorded (status stays ${change.to})`
    const facts = [
      change.event && moved ? change.event : null,
      change.amount !== null ? money(change.amount) : null,
      change.reason ? `reason ${change.reason}` : null,
      `via ${change.causeKind} ${change.causeId}`,
    ]
    entries.push({
      key: `payment-${index}`,
      at: change.at,
      kind: 'payment',
      title,
      detail: facts.filter(Boolean).join(' · '),
    })
  })
  for (const webhook of webhooks) {
    const facts = [
      `${plural(webhook.deliveries, 'copy', 'copies')} received`,
      webhook.outcome ?? 'not processed yet',
      webhook.deliveries > 1 ? `last at ${preciseTime(webhook.lastReceivedAt)}` : null,
      webhook.lastError ? `error: ${webhook.lastError}` : null,
    ]
    entries.push({
      key: `webhook-${webhook.id}`,
      at: webhook.firstReceivedAt,
      kind: 'webhook',
      title: `Webhook ${webhook.type}`,
      detail: `${webhook.id} · ${facts.filter(Boolean).join(' · ')}`,
    })
  }
  for (const refund of payment?.refunds ?? []) {
    entries.push({
      key: `refund-${refund.id}`,
      at: refund.createdAt,
      kind: 'refund',
      title: `Refund of ${money(refund.amount)} requested`,
      detail: `${refund.id} · by ${refund.requestedBy}${refund.completedAt ? '' : ` · ${refund.status}`}`,
    })
    if (refund.completedAt) {
      entries.push({
        key: `refund-${refund.id}-done`,
        at: refund.completedAt,
        kind: 'refund',
        title: `Refund of ${money(refund.amount)} ${refund.status === 'SUCCEEDED' ? 'succeeded' : 'failed'}`,
        detail: [refund.providerRefundId, refund.lastError].filter(Boolean).join(' · ') || undefined,
      })
    }
  }
  return entries.sort((a, b) => Date.parse(a.at) - Date.parse(b.at))
}

// Events of one pledge come milliseconds apart: the timeline shows them to the millisecond.
const precise = new Intl.DateTimeFormat('en-GB', {
  dateStyle: 'medium',
  timeStyle: 'medium',
  timeZone: 'UTC',
})

function preciseTime(iso: string): string {
  const at = new Date(iso)
  return `${precise.format(at)}.${String(at.getUTCMilliseconds()).padStart(3, '0')} UTC`
}

export function Timeline({ entries }: { entries: readonly TimelineEntry[] }) {
  return (
    <ol className="timeline" aria-label="Timeline">
      {entries.map((entry) => (
        <li key={entry.key} className={`timeline-${entry.kind}`}>
          <time dateTime={entry.at}>{preciseTime(entry.at)}</time> <Badge value={entry.kind} />{' '}
          <strong>{entry.title}</strong>
          {entry.detail ? <div className="muted timeline-detail">{entry.detail}</div> : null}
        </li>
      ))}
    </ol>
  )
}
