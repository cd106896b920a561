import { Component, lazy, type ReactNode, Suspense, useId } from 'react'
import type { ChartSpec } from './charts'

const ChartDrawing = lazy(() => import('./charts'))

/** A chart that fails to draw must not take its data table, or the page, with it. */
class ChartBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false }

  static getDerivedStateFromError() {
    return { failed: true }
  }

  override render() {
    if (this.state.failed)
      return <p className="muted">The chart could not be drawn; the table has the numbers.</p>
    return this.props.children
  }
}

/** A titled card for one chart: the query's states or the chart with its table go inside. */
export function ChartCard({
  title,
  note,
  children,
}: {
  title: string
  note?: ReactNode
  children: ReactNode
}) {
  const id = useId()
  return (
    <section className="card chart-card" aria-labelledby={id}>
      <h2 id={id}>{title}</h2>
      {note ? <p className="muted">{note}</p> : null}
      {children}
    </section>
  )
}

/**
 * A chart and its data table. The chart is a picture of the table (hidden from screen readers);
 * the table, in a <details> under it, has the API's exact numbers. A container without a size
 * (happy-dom, a collapsed panel) draws no chart and leaves the table as it is.
 */
export function ChartWithTable({
  chart,
  table,
  height = 280,
}: {
  chart: ChartSpec
  table: ReactNode
  height?: number
}) {
  return (
    <>
      <ChartBoundary>
        <div className="chart" aria-hidden="true" style={{ height }}>
          <Suspense fallback={null}>
            <ChartDrawing spec={chart} height={height} />
          </Suspense>
        </div>
      </ChartBoundary>
      <details className="chart-data">
        <summary>Data table</summary>
        {table}
      </details>
    </>
  )
}
