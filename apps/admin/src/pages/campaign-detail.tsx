import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { useParams } from 'react-router'
import { useCampaign, useDonations } from '../api/campaigns'
import type { Campaign } from '../api/types'
import { type LiveState, useLiveTotals } from '../api/use-live-totals'
import { CampaignActions } from '../components/campaign-actions'
import { CampaignChat } from '../components/campaign-chat'
import { formatDateTime, money, shortId } from '../components/format'
import { Badge, ErrorBox, Loading, PageHeader, Pager, QueryView } from '../components/ui'
import { usePager } from '../components/use-pager'

const LIVE_TEXT: Record<LiveState, string> = {
  connecting: 'Connecting to live totals…',
  live: 'Live',
  reconnecting: 'Live updates lost; reconnecting…',
  closed: 'Live updates are off',
}

export function CampaignDetailPage() {
  const { id = '' } = useParams()
  const query = useCampaign(id)
  return (
    <QueryView query={query}>
      {(campaign) => (
        <>
          <PageHeader title={campaign.title} actions={<CampaignActions campaign={campaign} />} />
          <div className="two-columns">
            <LiveTotals campaign={campaign} />
            <Details campaign={campaign} />
          </div>
          <div className="two-columns">
            <Donations campaignId={campaign.id} />
            <CampaignChat campaignId={campaign.id} status={campaign.status} />
          </div>
        </>
      )}
    </QueryView>
  )
}

function GoalProgress({ raised, goal }: { raised: number; goal: number }) {
  const percent = goal > 0 ? Math.floor((raised / goal) * 100) : 0
  return (
    <div
      className="progress goal-progress"
      role="progressbar"
      aria-label="Goal progress"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.min(100, percent)}
      aria-valuetext={`${money(raised)} of ${money(goal)} (${percent}%)`}
    >
      <div style={{ width: `${Math.min(100, percent)}%` }} />
    </div>
  )
}

function LiveTotals({ campaign }: { campaign: Campaign }) {
  const { totals, state, query } = useLiveTotals(campaign.id)
  const raised = totals?.totalAmount ?? campaign.currentAmount ?? null
  // A change of the totals is a donation captured or refunded: the list below follows it.
  const queryClient = useQueryClient()
  const changedAt = totals?.lastUpdated
  useEffect(() => {
    if (changedAt) void queryClient.invalidateQueries({ queryKey: ['campaigns', 'donations', campaign.id] })
  }, [changedAt, campaign.id, queryClient])
  return (
    <section className="card" aria-labelledby="totals-title">
      <h2 id="totals-title">Totals</h2>
      <p className={`live live-${state}`} role="status">
        {LIVE_TEXT[state]}
      </p>
      {!totals && query.isPending && raised === null ? <Loading label="Loading totals…" /> : null}
      {!totals && query.isError ? (
        <ErrorBox error={query.error} onRetry={() => void query.refetch()} />
      ) : null}
      {raised !== null ? (
        <>
          <p className="raised">
            <span className="value">{money(raised)}</span> raised of {money(campaign.goalAmount)}
          </p>
          <GoalProgress raised={raised} goal={campaign.goalAmount} />
        </>
      ) : null}
      {totals ? (
        <dl className="facts">
          <dt>Donors</dt>
          <dd>{totals.totalDonors}</dd>
          <dt>Donations</dt>
          <dd>{totals.totalPledges}</dd>
          <dt>Last change</dt>
          <dd>{totals.lastUpdated ? formatDateTime(totals.lastUpdated) : 'No donations yet'}</dd>
        </dl>
      ) : null}
    </section>
  )
}

function Details({ campaign }: { campaign: Campaign }) {
  return (
    <section className="card" aria-labelledby="details-title">
      <h2 id="details-title">Details</h2>
      <dl className="facts">
        <dt>Status</dt>
        <dd>
          <Badge value={campaign.status} />
        </dd>
        <dt>Goal</dt>
        <dd>{money(campaign.goalAmount)}</dd>
        <dt>Starts</dt>
        <dd>{formatDateTime(campaign.startDate)}</dd>
        <dt>Ends</dt>
        <dd>{formatDateTime(campaign.endDate)}</dd>
        <dt>Owner</dt>
        <dd title={campaign.ownerId}>{shortId(campaign.ownerId)}</dd>
        <dt>Created</dt>
        <dd>{formatDateTime(campaign.createdAt)}</dd>
        <dt>Updated</dt>
        <dd>
          {formatDateTime(campaign.updatedAt)} (version {campaign.version})
        </dd>
      </dl>
      <h3>Description</h3>
      <p className="description">{campaign.description || '—'}</p>
    </section>
  )
}

/** Captured donations as the public sees them: the API masks anonymous donors, shown as given. */
function Donations({ campaignId }: { campaignId: string }) {
  const pager = usePager()
  const query = useDonations(campaignId, pager.cursor)
  return (
    <section className="card" aria-labelledby="donations-title">
      <h2 id="donations-title">Donations</h2>
      <QueryView
        query={query}
        isEmpty={(page) => page.items.length === 0 && !pager.hasPrevious}
        empty="No captured donations yet."
      >
        {(page) => (
          <>
            <div className="table-wrap" aria-busy={query.isPlaceholderData}>
              <table>
                <caption className="visually-hidden">Captured donations, newest first</caption>
                <thead>
                  <tr>
                    <th scope="col">Donor</th>
                    <th scope="col" className="num">
                      Amount
                    </th>
                    <th scope="col">When</th>
                  </tr>
                </thead>
                <tbody>
                  {page.items.map((donation) => (
                    <tr key={donation.id}>
                      <td>{donation.donorName}</td>
                      <td className="num">{money(donation.amount)}</td>
                      <td>{formatDateTime(donation.createdAt)}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager
              hasPrevious={pager.hasPrevious}
              nextCursor={query.isPlaceholderData ? null : page.nextCursor}
              onPrevious={pager.previous}
              onNext={pager.next}
            />
          </>
        )}
      </QueryView>
    </section>
  )
}
