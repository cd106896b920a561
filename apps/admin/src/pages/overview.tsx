import { fromCents, toCents } from '@careforall/contracts'
import { Link } from 'react-router'
import { STATUS_REFRESH_MS, usePaymentStats, usePledgeStats, useStatus } from '../api/platform'
import type { DayStats, PlatformStatus, PledgeState, PledgeStats, ServiceName } from '../api/types'
import { formatDateTime, isoDay, money } from '../components/format'
import { Badge, PageHeader, QueryView } from '../components/ui'
import { config } from '../config'

const DAY_MS = 86_400_000
const PLEDGE_STATES: readonly PledgeState[] = ['PENDING', 'AUTHORIZED', 'CAPTURED', 'REFUNDED', 'FAILED']
const SERVICES: readonly ServiceName[] = ['auth', 'campaign', 'pledge', 'payment', 'totals', 'chat']

const TOOLS = [
  { name: 'Grafana', href: config.grafanaUrl, what: 'dashboards and alerts' },
  { name: 'Jaeger', href: config.jaegerUrl, what: 'traces of each request' },
  { name: 'Kibana', href: config.kibanaUrl, what: 'logs and the event archive' },
] as const

/** Sums days in cents: money is never added as floats. */
function sum(days: readonly DayStats[]) {
  let net = 0
  let captured = 0
  let pledges = 0
  for (const day of days) {
    net += toCents(day.netAmount)
    captured += toCents(day.capturedAmount)
    pledges += day.pledgesCaptured
  }
  return { net: fromCents(net), captured: fromCents(captured), pledges }
}

function Metric({ label, value, detail }: { label: string; value: string; detail?: string }) {
  return (
    <div className="metric">
      <div className="label">{label}</div>
      <div className="value">{value}</div>
      {detail ? <div className="hint">{detail}</div> : null}
    </div>
  )
}

/** Today and the last 7 UTC days (today included): the stats buckets are UTC days. */
function Raised() {
  const now = Date.now()
  const today = isoDay(new Date(now))
  const query = usePaymentStats(isoDay(new Date(now - 6 * DAY_MS)), today)
  return (
    <section className="card" aria-labelledby="raised-title">
      <h2 id="raised-title">Money raised</h2>
      <QueryView query={query} isEmpty={(stats) => stats.items.length === 0} empty="No days reported.">
        {(stats) => {
          const day = sum(stats.items.filter((item) => item.day === today))
          const week = sum(stats.items)
          return (
            <div className="grid">
              <Metric
                label="Raised today (UTC)"
                value={money(day.net)}
                detail={`${money(day.captured)} captured · ${day.pledges} pledges`}
              />
              <Metric
                label="Raised this week (last 7 days)"
                value={money(week.net)}
                detail={`${money(week.captured)} captured · ${week.pledges} pledges`}
              />
            </div>
          )
        }}
      </QueryView>
    </section>
  )
}

function minutes(seconds: number): string {
  return seconds % 60 === 0 ? `${seconds / 60} min` : `${seconds} s`
}

function Pledges() {
  const query = usePledgeStats()
  const noPledges = (stats: PledgeStats) => PLEDGE_STATES.every((state) => !stats.byState[state]?.count)
  return (
    <section className="card" aria-labelledby="pledges-title">
      <h2 id="pledges-title">Pledges by outcome</h2>
      <QueryView query={query} isEmpty={noPledges} empty="No pledges yet.">
        {(stats) => (
          <>
            <div className={`metric stuck ${stats.stuck > 0 ? 'stuck-some' : ''}`}>
              <div className="label">Stuck pledges</div>
              <div className="value">
                <Link to="/pledges?stuck=true" aria-label={`${stats.stuck} stuck pledges: see them`}>
                  {stats.stuck}
                </Link>
              </div>
              <div className="hint">Not settled after {minutes(stats.stuckAfterSeconds)}</div>
            </div>
            <div className="table-wrap">
              <table>
                <caption className="visually-hidden">Pledges by state</caption>
                <thead>
                  <tr>
                    <th scope="col">State</th>
                    <th scope="col" className="num">
                      Pledges
                    </th>
                    <th scope="col" className="num">
                      Amount
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {PLEDGE_STATES.map((state) => (
                    <tr key={state}>
                      <th scope="row">
                        <Badge value={state} />
                      </th>
                      <td className="num">{stats.byState[state]?.count ?? 0}</td>
                      <td className="num">{money(stats.byState[state]?.amount ?? 0)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </>
        )}
      </QueryView>
    </section>
  )
}

/** Every dead-letter queue holding something, deepest first. */
function deadLetters(status: PlatformStatus) {
  return SERVICES.flatMap((service) =>
    Object.entries(status.services[service]?.dlq ?? {})
      .filter(([, depth]) => depth > 0)
      .map(([queue, depth]) => ({ service, queue, depth })),
  ).sort((a, b) => b.depth - a.depth)
}

function Services() {
  const query = useStatus()
  return (
    <section className="card" aria-labelledby="services-title">
      <h2 id="services-title">Services</h2>
      <QueryView query={query}>
        {(status) => {
          const queues = deadLetters(status)
          return (
            <>
              <p className="actions">
                <span>
                  Platform: <Badge value={status.status} />
                </span>
                <span className="hint">
                  Checked {formatDateTime(new Date(query.dataUpdatedAt).toISOString())}, every{' '}
                  {STATUS_REFRESH_MS / 1000} s
                </span>
              </p>
              <ul className="service-grid">
                {SERVICES.map((name) => {
                  const service = status.services[name]
                  return (
                    <li key={name} className="metric">
                      <div className="service-name">
                        <strong>{name}</strong> <Badge value={service?.status ?? 'down'} />
                      </div>
                      <ul className="checks" aria-label={`${name} checks`}>
                        {Object.entries(service?.checks ?? {}).map(([check, state]) => (
                          <li key={check}>
                            {check} <Badge value={state} />
                          </li>
                        ))}
                      </ul>
                    </li>
                  )
                })}
              </ul>
              <div className="dlq">
                <Metric
                  label="Dead-letter queues"
                  value={status.dlq ? String(status.dlq.total) : '—'}
                  detail={status.dlq ? 'messages waiting in all DLQs' : 'depth not reported by the gateway'}
                />
                {queues.length > 0 ? (
                  <ul aria-label="Dead-letter queues with messages">
                    {queues.map(({ service, queue, depth }) => (
                      <li key={`${service}/${queue}`}>
                        <code>{queue}</code> ({service}): <strong>{depth}</strong>
                      </li>
                    ))}
                  </ul>
                ) : null}
              </div>
            </>
          )
        }}
      </QueryView>
    </section>
  )
}

export function OverviewPage() {
  return (
    <>
      <PageHeader title="Overview" />
      <Raised />
      <div className="two-columns">
        <Pledges />
        <Services />
      </div>
      <section className="card" aria-labelledby="tools-title">
        <h2 id="tools-title">Observability</h2>
        <ul className="tools">
          {TOOLS.map((tool) => (
            <li key={tool.name}>
              <a href={tool.href} target="_blank" rel="noreferrer">
                {tool.name}
              </a>{' '}
              <span className="hint">{tool.what}</span>
            </li>
          ))}
        </ul>
      </section>
    </>
  )
}
