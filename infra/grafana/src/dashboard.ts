import {
  type Dashboard,
  DashboardCursorSync,
  type Panel,
  type RowPanel,
  type VariableModel,
  VariableRefresh,
  VariableSort,
} from '@grafana/schema'
import type { Cell } from './panels'
import { datasources } from './queries'

/** A titled row of cells, laid out left to right and wrapped at the grid's 24 columns. */
export interface Row {
  title: string
  cells: Cell[]
}

interface Spec {
  uid: string
  title: string
  description: string
  variables?: VariableModel[]
  rows: Row[]
}

const gridWidth = 24

function layout(rows: Row[]): Array<Panel | RowPanel> {
  const panels: Array<Panel | RowPanel> = []
  let id = 1
  let y = 0
  for (const row of rows) {
    panels.push({
      type: 'row',
      id: id++,
      title: row.title,
      collapsed: false,
      gridPos: { x: 0, y, w: gridWidth, h: 1 },
      panels: [],
    })
    y += 1
    let x = 0
    let lineHeight = 0
    for (const { panel, w, h } of row.cells) {
      if (x + w > gridWidth) {
        y += lineHeight
        x = 0
        lineHeight = 0
      }
      panels.push({ ...panel, id: id++, gridPos: { x, y, w, h } })
      x += w
      lineHeight = Math.max(lineHeight, h)
    }
    y += lineHeight
  }
  return panels
}

/** A Prometheus query variable, refreshed when the time range changes; `All` selects every value. */
export function promVariable(
  name: string,
  label: string,
  query: string,
  { multi = true, allValue }: { multi?: boolean; allValue?: string } = {},
): VariableModel {
  return {
    type: 'query',
    name,
    label,
    datasource: datasources.prometheus,
    query,
    refresh: VariableRefresh.onTimeRangeChanged,
    sort: VariableSort.alphabeticalAsc,
    includeAll: true,
    multi,
    ...(allValue ? { allValue } : {}),
    current: { selected: true, text: 'All', value: '$__all' },
    options: [],
  }
}

/** A Care For All dashboard: tagged, last hour, refreshed every 30 s, linked to the others. */
export function dashboard({ uid, title, description, variables = [], rows }: Spec): Dashboard {
  return {
    uid,
    title,
    description,
    tags: ['careforall'],
    editable: true,
    graphTooltip: DashboardCursorSync.Crosshair,
    schemaVersion: 39,
    version: 1,
    refresh: '30s',
    time: { from: 'now-1h', to: 'now' },
    timepicker: {},
    timezone: 'browser',
    fiscalYearStartMonth: 0,
    liveNow: false,
    links: [
      {
        title: 'Care For All',
        type: 'dashboards',
        tags: ['careforall'],
        asDropdown: true,
        includeVars: false,
        keepTime: true,
        targetBlank: false,
        icon: 'external link',
        tooltip: '',
        url: '',
      },
    ],
    annotations: { list: [] },
    templating: { list: variables },
    panels: layout(rows),
  }
}
