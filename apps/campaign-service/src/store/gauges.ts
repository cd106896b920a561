import { CampaignStatus } from '@careforall/contracts'
import type { DbGauge, GaugeRow } from '@careforall/db'

/** What the business dashboard shows of campaigns, read when Prometheus scrapes. */
export const campaignGauges: DbGauge[] = [
  {
    name: 'careforall_campaigns',
    description: 'Campaigns by status',
    label: 'status',
    labelValues: CampaignStatus.options,
    read: (sql) =>
      sql<GaugeRow[]>`select status as label, count(*)::int as value from campaigns group by status`,
  },
]
