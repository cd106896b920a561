import { type FormEvent, useEffect, useMemo, useState } from 'react'
import { Link } from 'react-router'
import { type DayRange, useDonationStats, usePledgeStats, useTopCampaigns } from '../api/analytics'
import { PLEDGE_STATES } from '../api/pledges'
import type { PledgeStats } from '../api/types'
import { ChartCard, ChartWithTable } from '../components/chart-frame'
import { addDays, checkDayRange, daysIncluded } from '../components/days'
import { formatDate, formatDateTime, isoDay, money } from '../components/format'
import { Button, PageHeader, QueryView, TextInput } from '../components/ui'
import { useUrlFilters } from '../components/use-url-filters'

const FILTERS = ['from', 'to'] as const
/** The stats endpoint's limit: at most 366 days per request. */
const MAX_DAYS = 366

function checkRange(range: DayRange): Record<string, string> {
  const errors = checkDayRange(range.from, range.to)
  if (!range.from) errors.from = 'Give a start date'
  if (!range.to) errors.to = 'Give an end date'
  if (Object.keys(errors).length === 0 && daysIncluded(range.from, range.to) > MAX_DAYS) {
    errors.to = `At most ${MAX_DAYS} days at a time`
  }
  return errors
}

function lastThirtyDays(): DayRange {
  const to = isoDay(new Date())
  return { from: addDays(to, -29), to }
}

export function AnalyticsPage() {
  const [params, setParams] = useUrlFilters(FILTERS)
  const fallback = useMemo(lastThirtyDays, [])
  const fromUrl = { from: params.from || fallback.from, to: params.to || fallback.to }
  const valid = Object.keys(checkRange(fromUrl)).length === 0
  const range = valid ? fromUrl : fallback
  const [draft, setDraft] = useState(range)
  const [errors, setErrors] = useState<Record<string, string>>({})
  useEffect(() => setDraft({ from: range.from, to: range.to }), [range.from, range.to])

  const onSubmit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    const found = checkRange(draft)
    setErrors(found)
    if (Object.keys(found).length === 0) setParams(draft)
  }

  return (
    <>
      <PageHeader title="Analytics" />
      <form className="filters" aria-label="Date range" onSubmit={onSubmit} noValidate>
        <TextInput
          label="From"
          type="date"
          value={draft.from}
          onChange={(event) => setDraft({ ...draft, from: event.target.value })}
          error={errors.from}
        />
        <TextInput
          label="To"
          type="date"
          value={draft.to}
          onChange={(event) => setDraft({ ...draft, to: event.target.value })}
          error={errors.to}
        />
        <div className="actions">
          <Button type="submit" variant="primary">
            Show
          </Button>
        </div>
      </form>
      <p className="muted">
        {formatDate(range.from)} to {formatDate(range.to)} (UTC days, both included).
      </p>
      <div className="charts">
        <DonationsChart range={range} />
        <OutcomesChart range={range} />
        <TopCampaignsChart />
      </div>
    </>
  )
}

function DonationsChart({ range }: { range: DayRange }) {
  const query = useDonationStats(range)
  return (
    <ChartCard title="Donations over time" note="USD captured, refunded and net per UTC day, every campaign.">
      <QueryView
        query={query}
        isEmpty={(stats) => stats.items.every((day) => day.pledgesCaptured === 0 && day.refunds === 0)}
        empty="No captures or refunds in this range."
      >
        {(stats) => (
          <ChartWithTable
            chart={{ kind: 'donations', data: stats.items }}
            table={
              <div className="table-wrap">
                <table aria-label="Donations per day">
                  <thead>
                    <tr>
                      <th scope="col">Day</th>
                      <th scope="col" className="num">
                        Captured
                      </th>
                      <th scope="col" className="num">
                        Refunded
                      </th>
                      <th scope="col" className="num">
                        Net
                      </th>
                      <th scope="col" className="num">
                        Pledges captured
                      </th>
                      <th scope="col" className="num">
                        Refunds
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {stats.items.map((day) => (
                      <tr key={day.day}>
                        <th scope="row">{day.day}</th>
                        <td className="num">{money(day.capturedAmount)}</td>
                        <td className="num">{money(day.refundedAmount)}</td>
                        <td className="num">{money(day.netAmount)}</td>
                        <td className="num">{day.pledgesCaptured}</td>
                        <td className="num">{day.refunds}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            }
          />
        )}
      </QueryView>
    </ChartCard>
  )
}

function duration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600} h`
  if (seconds % 60 === 0) return `${seconds / 60} min`
  return `${seconds} s`
}

/** The states the API counted, in the lifecycle's order (and any it adds later, after them). */
function outcomeRows(stats: PledgeStats) {
  const states = [
    ...PLEDGE_STATES.filter((state) => state in stats.byState),
    ...Object.keys(stats.byState).filter((state) => !(PLEDGE_STATES as readonly string[]).includes(state)),
  ] as (keyof PledgeStats['byState'])[]
  return states.map((state) => ({ state, ...stats.byState[state] }))
}

function OutcomesChart({ range }: { range: DayRange }) {
  const query = usePledgeStats(range)
  return (
    <ChartCard title="Pledge outcomes" note="Pledges created in the range, by the state they are in now.">
      <QueryView
        query={query}
        isEmpty={(stats) => outcomeRows(stats).every((row) => row.count === 0) && stats.stuck === 0}
        empty="No pledges were made in this range."
      >
        {(stats) => {
          const rows = outcomeRows(stats)
          return (
            <>
              <ChartWithTable
                chart={{ kind: 'outcomes', data: rows }}
                table={
                  <div className="table-wrap">
                    <table aria-label="Pledges by state">
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
                        {rows.map((row) => (
                          <tr key={row.state}>
                            <th scope="row">{row.state}</th>
                            <td className="num">{row.count}</td>
                            <td className="num">{money(row.amount)}</td>
                          </tr>
                        ))}
                      </tbody>
                    </table>
                  </div>
                }
              />
              <p>
                <Link to="/pledges?stuck=true">
                  {stats.stuck} stuck {stats.stuck === 1 ? 'pledge' : 'pledges'}
                </Link>{' '}
                <span className="muted">
                  (of those, PENDING or AUTHORIZED and unchanged for over {duration(stats.stuckAfterSeconds)})
                </span>
              </p>
            </>
          )
        }}
      </QueryView>
    </ChartCard>
  )
}

function TopCampaignsChart() {
  const query = useTopCampaigns()
  return (
    <ChartCard
      title="Raised per campaign"
      note="The ten active campaigns that raised most, all time (net of refunds)."
    >
      <QueryView query={query} isEmpty={(items) => items.length === 0} empty="No active campaigns yet.">
        {(items) => (
          <ChartWithTable
            height={Math.max(160, items.length * 36 + 40)}
            chart={{ kind: 'campaigns', data: items }}
            table={
              <div className="table-wrap">
                <table aria-label="Raised per campaign">
                  <thead>
                    <tr>
                      <th scope="col">Campaign</th>
                      <th scope="col" className="num">
                        Raised
                      </th>
                      <th scope="col" className="num">
                        Pledges
                      </th>
                      <th scope="col" className="num">
                        Donors
                      </th>
                      <th scope="col">Last updated</th>
                    </tr>
                  </thead>
                  <tbody>
                    {items.map((item) => (
                      <tr key={item.campaignId}>
                        <th scope="row">
                          <Link to={`/campaigns/${item.campaignId}`}>{item.title}</Link>
                        </th>
                        <td className="num">{money(item.totalAmount)}</td>
                        <td className="num">{item.totalPledges}</td>
                        <td className="num">{item.totalDonors}</td>
                        <td>{formatDateTime(item.lastUpdated)}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </div>
            }
          />
        )}
      </QueryView>
    </ChartCard>
  )
}
