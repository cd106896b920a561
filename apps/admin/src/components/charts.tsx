import {
  Bar,
  BarChart,
  CartesianGrid,
  Cell,
  ComposedChart,
  Legend,
  Line,
  Pie,
  PieChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts'
import type { CampaignRaised } from '../api/analytics'
import type { DayStats, PledgeState } from '../api/types'
import { money } from './format'

/*
 * The analytics drawings, the only module that imports recharts: chart-frame loads it lazily, so
 * the chart library is a chunk of its own that only the analytics page fetches.
 */

export type ChartSpec =
  | { kind: 'donations'; data: readonly DayStats[] }
  | { kind: 'outcomes'; data: readonly { state: PledgeState; count: number }[] }
  | { kind: 'campaigns'; data: readonly CampaignRaised[] }

const COLORS = {
  captured: '#1a7f37',
  refunded: '#b42318',
  net: '#0b5cad',
} as const

const STATE_COLORS: Record<string, string> = {
  PENDING: '#9a6700',
  AUTHORIZED: '#bf8700',
  CAPTURED: '#1a7f37',
  REFUNDED: '#0969da',
  FAILED: '#b42318',
}

const usd = (value: unknown) => (typeof value === 'number' ? money(value) : String(value))

function drawing(spec: ChartSpec) {
  // The charts are pictures of the tables beside them: no keyboard layer of their own.
  switch (spec.kind) {
    case 'donations':
      return (
        <ComposedChart data={[...spec.data]} accessibilityLayer={false}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis dataKey="day" />
          <YAxis />
          <Tooltip formatter={usd} />
          <Legend />
          <Bar dataKey="capturedAmount" name="Captured" fill={COLORS.captured} />
          <Bar dataKey="refundedAmount" name="Refunded" fill={COLORS.refunded} />
          <Line dataKey="netAmount" name="Net" stroke={COLORS.net} dot={false} />
        </ComposedChart>
      )
    case 'outcomes': {
      const slices = spec.data.filter((row) => row.count > 0)
      return (
        <PieChart accessibilityLayer={false}>
          {/* Not focusable: the chart is hidden from assistive technology, the table below is its text. */}
          <Pie data={slices} dataKey="count" nameKey="state" outerRadius="80%" label rootTabIndex={-1}>
            {slices.map((row) => (
              <Cell key={row.state} fill={STATE_COLORS[row.state] ?? '#57606a'} />
            ))}
          </Pie>
          <Tooltip />
          <Legend />
        </PieChart>
      )
    }
    case 'campaigns':
      return (
        <BarChart data={[...spec.data]} layout="vertical" accessibilityLayer={false} margin={{ left: 16 }}>
          <CartesianGrid strokeDasharray="3 3" />
          <XAxis type="number" />
          <YAxis type="category" dataKey="title" width={180} />
          <Tooltip formatter={usd} />
          <Bar dataKey="totalAmount" name="Raised" fill={COLORS.captured} />
        </BarChart>
      )
  }
}

export default function ChartDrawing({ spec, height }: { spec: ChartSpec; height: number }) {
  return (
    <ResponsiveContainer width="100%" height={height} minWidth={0}>
      {drawing(spec)}
    </ResponsiveContainer>
  )
}
