import { PledgeState } from '@careforall/contracts'
import type { DbGauge, GaugeRow } from '@careforall/db'

/** What the business dashboard shows of pledges, read when Prometheus scrapes. */
export const pledgeGauges: DbGauge[] = [
  {
    name: 'careforall_pledges',
    description: 'Pledges by state',
    label: 'state',
    labelValues: PledgeState.options,
    read: (sql) => sql<GaugeRow[]>`select state as label, count(*)::int as value from pledges group by state`,
  },
]
