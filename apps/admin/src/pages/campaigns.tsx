import { CampaignStatus } from '@careforall/contracts'
import { type FormEvent, useEffect, useMemo, useRef, useState } from 'react'
import { Link, useSearchParams } from 'react-router'
import { useCampaigns, useTotalsOf } from '../api/campaigns'
import type { Campaign, CampaignTotals } from '../api/types'
import { formatDate, money } from '../components/format'
import { SortHeader, useSort } from '../components/sortable'
import { Badge, Button, Empty, PageHeader, Pager, QueryView, SelectInput, TextInput } from '../components/ui'
import { usePager } from '../components/use-pager'

/** How long typing pauses before the search is sent. */
export const SEARCH_DEBOUNCE_MS = 300

const STATUS_OPTIONS = [
  { value: '', label: 'All statuses' },
  ...CampaignStatus.options.map((status) => ({ value: status, label: status })),
]

type Column = 'title' | 'status' | 'goal' | 'created'

/** Statuses sort in lifecycle order (DRAFT → ACTIVE → PAUSED → COMPLETED), not alphabetically. */
const COMPARE: Record<Column, (a: Campaign, b: Campaign) => number> = {
  title: (a, b) => a.title.localeCompare(b.title, 'en', { sensitivity: 'base' }),
  status: (a, b) => CampaignStatus.options.indexOf(a.status) - CampaignStatus.options.indexOf(b.status),
  goal: (a, b) => a.goalAmount - b.goalAmount,
  created: (a, b) => a.createdAt.localeCompare(b.createdAt),
}

function statusOf(value: string | null): CampaignStatus | undefined {
  const parsed = CampaignStatus.safeParse(value)
  return parsed.success ? parsed.data : undefined
}

export function CampaignsPage() {
  const [params, setParams] = useSearchParams()
  const q = params.get('q')?.trim() || undefined
  const status = statusOf(params.get('status'))
  const pager = usePager()
  const query = useCampaigns({ q, status, cursor: pager.cursor })
  const [text, setText] = useState(q ?? '')

  const setFilter = (name: 'q' | 'status', value: string) => {
    setParams(
      (current) => {
        const next = new URLSearchParams(current)
        if (value.trim()) next.set(name, value.trim())
        else next.delete(name)
        return next
      },
      { replace: true },
    )
    pager.reset()
  }

  // Search as the admin types, once they pause; Enter searches at once.
  const latest = useRef({ q, setFilter })
  latest.current = { q, setFilter }
  useEffect(() => {
    const differs = () => text.trim() !== (latest.current.q ?? '')
    if (!differs()) return
    const timer = setTimeout(() => differs() && latest.current.setFilter('q', text), SEARCH_DEBOUNCE_MS)
    return () => clearTimeout(timer)
  }, [text])

  const onSearch = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault()
    if (text.trim() !== (q ?? '')) setFilter('q', text)
  }

  const filtered = q !== undefined || status !== undefined
  return (
    <>
      <PageHeader
        title="Campaigns"
        actions={
          <Link className="btn btn-primary" to="/campaigns/new">
            New campaign
          </Link>
        }
      />
      <search aria-label="Filter campaigns">
        <form className="filters" onSubmit={onSearch}>
          <TextInput
            label="Search"
            type="search"
            name="q"
            value={text}
            maxLength={200}
            placeholder="Title or description"
            onChange={(event) => setText(event.target.value)}
          />
          <SelectInput
            label="Status"
            name="status"
            value={status ?? ''}
            options={STATUS_OPTIONS}
            onChange={(event) => setFilter('status', event.target.value)}
          />
          <Button type="submit">Search</Button>
        </form>
      </search>
      <QueryView
        query={query}
        isEmpty={(page) => page.items.length === 0 && !pager.hasPrevious}
        empty={
          filtered ? (
            <>
              No campaigns match these filters.{' '}
              <Button
                onClick={() => {
                  setText('')
                  setParams({}, { replace: true })
                  pager.reset()
                }}
              >
                Clear filters
              </Button>
            </>
          ) : (
            <>
              No campaigns yet. <Link to="/campaigns/new">Create the first one</Link>.
            </>
          )
        }
      >
        {(page) => (
          <>
            <CampaignTable campaigns={page.items} busy={query.isPlaceholderData} />
            <Pager
              hasPrevious={pager.hasPrevious}
              nextCursor={query.isPlaceholderData ? null : page.nextCursor}
              onPrevious={pager.previous}
              onNext={pager.next}
            />
          </>
        )}
      </QueryView>
    </>
  )
}

function CampaignTable({ campaigns, busy }: { campaigns: Campaign[]; busy: boolean }) {
  const ids = useMemo(() => campaigns.map((campaign) => campaign.id), [campaigns])
  const totals = useTotalsOf(ids)
  const raised = useMemo(
    () => new Map<string, CampaignTotals>((totals.data?.items ?? []).map((item) => [item.campaignId, item])),
    [totals.data],
  )
  const { sorted, sort, toggle } = useSort(campaigns, COMPARE, { key: 'created', direction: 'descending' })
  if (campaigns.length === 0) return <Empty>No more campaigns.</Empty>
  return (
    <div className="table-wrap" aria-busy={busy}>
      <table>
        <caption className="visually-hidden">
          Campaigns; sorting orders the page shown, the pages themselves go newest first
        </caption>
        <thead>
          <tr>
            <SortHeader column="title" sort={sort} onSort={toggle}>
              Title
            </SortHeader>
            <SortHeader column="status" sort={sort} onSort={toggle}>
              Status
            </SortHeader>
            <SortHeader column="goal" sort={sort} onSort={toggle} className="num">
              Goal
            </SortHeader>
            <th scope="col" className="num">
              Raised
            </th>
            <th scope="col">Ends</th>
            <SortHeader column="created" sort={sort} onSort={toggle}>
              Created
            </SortHeader>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {sorted.map((campaign) => {
            const amount = raised.get(campaign.id)?.totalAmount ?? campaign.currentAmount
            return (
              <tr key={campaign.id}>
                <td className="title-cell">
                  <Link to={`/campaigns/${campaign.id}`}>{campaign.title}</Link>
                </td>
                <td>
                  <Badge value={campaign.status} />
                </td>
                <td className="num">{money(campaign.goalAmount)}</td>
                <td className="num" title={totals.isError ? 'Totals are unavailable' : undefined}>
                  {money(amount)}
                  {amount !== undefined && amount !== null && campaign.goalAmount > 0 ? (
                    <span className="hint"> ({Math.floor((amount / campaign.goalAmount) * 100)}%)</span>
                  ) : null}
                </td>
                <td>{formatDate(campaign.endDate)}</td>
                <td>{formatDate(campaign.createdAt)}</td>
                <td>
                  <Link to={`/campaigns/${campaign.id}/edit`} aria-label={`Edit ${campaign.title}`}>
                    Edit
                  </Link>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
}
