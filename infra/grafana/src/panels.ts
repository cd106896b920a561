import {
  BigValueColorMode,
  BigValueGraphMode,
  BigValueJustifyMode,
  BigValueTextMode,
  type DataTransformerConfig,
  type FieldConfig,
  type FieldConfigSource,
  GraphDrawStyle,
  LegendDisplayMode,
  LogsDedupStrategy,
  LogsSortOrder,
  type Panel,
  PercentChangeColorMode,
  SortOrder,
  StackingMode,
  TableCellHeight,
  type ThresholdsConfig,
  ThresholdsMode,
  TooltipDisplayMode,
  type ValueMapping,
  VisibilityMode,
  VizOrientation,
} from '@grafana/schema'
import type { Options as LogsOptions } from '@grafana/schema/dist/esm/raw/composable/logs/panelcfg/x/LogsPanelCfg_types.gen'
import type { Options as StatOptions } from '@grafana/schema/dist/esm/raw/composable/stat/panelcfg/x/StatPanelCfg_types.gen'
import type { Options as TableOptions } from '@grafana/schema/dist/esm/raw/composable/table/panelcfg/x/TablePanelCfg_types.gen'
import type {
  FieldConfig as TimeSeriesFieldConfig,
  Options as TimeSeriesOptions,
} from '@grafana/schema/dist/esm/raw/composable/timeseries/panelcfg/x/TimeSeriesPanelCfg_types.gen'
import type { Query } from './queries'

/** A panel before layout: the dashboard builder gives it an id and a place in the grid. */
export interface Cell {
  panel: Omit<Panel, 'id' | 'gridPos'>
  w: number
  h: number
}

interface Common {
  title: string
  description?: string
  targets: Query[]
  /** Grafana unit id: s, reqps, percentunit, bytes, Bps, currencyUSD, short… */
  unit?: string
  min?: number
  max?: number
  decimals?: number
  thresholds?: ThresholdsConfig['steps']
  mappings?: ValueMapping[]
  /** Per-field settings, such as a unit for one column of a table. */
  overrides?: FieldConfigSource['overrides']
  /** Grid width (of 24) and height; 8 × 8 unless told. */
  w?: number
  h?: number
}

const refIds = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'

function defaults(spec: Common, custom: Record<string, unknown>): FieldConfig {
  const { unit, min, max, decimals, thresholds, mappings } = spec
  return {
    custom,
    ...(unit ? { unit } : {}),
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(decimals !== undefined ? { decimals } : {}),
    mappings: mappings ?? [],
    thresholds: {
      mode: ThresholdsMode.Absolute,
      steps: thresholds ?? [{ value: null, color: 'green' }],
    },
  }
}

function cell(type: string, spec: Common, options: Record<string, unknown>, custom = {}): Cell {
  const first = spec.targets[0]
  if (!first) throw new Error(`panel "${spec.title}" has no query`)
  return {
    w: spec.w ?? 8,
    h: spec.h ?? 8,
    panel: {
      type,
      title: spec.title,
      ...(spec.description ? { description: spec.description } : {}),
      datasource: first.datasource,
      targets: spec.targets.map((target, i) => ({ refId: refIds[i], ...target })),
      fieldConfig: { defaults: defaults(spec, custom), overrides: spec.overrides ?? [] },
      options,
    },
  }
}

/** A line graph; `stack` stacks the series (parts of a whole, such as pool connections by state). */
export function timeseries(spec: Common & { stack?: boolean; legendCalcs?: string[] }): Cell {
  const custom = {
    drawStyle: GraphDrawStyle.Line,
    lineWidth: 1,
    fillOpacity: spec.stack ? 40 : 10,
    showPoints: VisibilityMode.Never,
    spanNulls: false,
    stacking: { mode: spec.stack ? StackingMode.Normal : StackingMode.None, group: 'A' },
  } satisfies TimeSeriesFieldConfig
  const options = {
    legend: {
      showLegend: true,
      displayMode: LegendDisplayMode.Table,
      placement: 'bottom',
      calcs: spec.legendCalcs ?? ['mean', 'max', 'lastNotNull'],
    },
    tooltip: { mode: TooltipDisplayMode.Multi, sort: SortOrder.Descending },
  } satisfies TimeSeriesOptions
  return cell('timeseries', spec, options, custom)
}

/** One big number per series, reduced to its last value. */
export function stat(spec: Common & { graph?: boolean; colorBackground?: boolean }): Cell {
  const options = {
    reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false },
    orientation: VizOrientation.Auto,
    textMode: BigValueTextMode.Auto,
    colorMode: spec.colorBackground ? BigValueColorMode.Background : BigValueColorMode.Value,
    graphMode: spec.graph ? BigValueGraphMode.Area : BigValueGraphMode.None,
    justifyMode: BigValueJustifyMode.Auto,
    showPercentChange: false,
    percentChangeColorMode: PercentChangeColorMode.Standard,
    wideLayout: true,
  } satisfies StatOptions
  return cell('stat', { h: 4, ...spec }, options)
}

/** A table of instant queries; `transformations` join and rename their columns. */
export function table(
  spec: Common & { transformations: DataTransformerConfig[]; sortBy?: TableOptions['sortBy'] },
): Cell {
  const options = {
    showHeader: true,
    frameIndex: 0,
    cellHeight: TableCellHeight.Sm,
    ...(spec.sortBy ? { sortBy: spec.sortBy } : {}),
  } satisfies TableOptions
  const built = cell('table', spec, options)
  return { ...built, panel: { ...built.panel, transformations: spec.transformations } }
}

/** Log lines; the trace.id field links to Jaeger through the datasource's data link. */
export function logs(spec: Omit<Common, 'unit'>): Cell {
  const options = {
    showTime: true,
    showLabels: false,
    showCommonLabels: false,
    wrapLogMessage: true,
    prettifyLogMessage: false,
    enableLogDetails: true,
    showLogContextToggle: false,
    dedupStrategy: LogsDedupStrategy.none,
    sortOrder: LogsSortOrder.Descending,
  } satisfies LogsOptions
  return cell('logs', { w: 24, h: 12, ...spec }, options)
}

/** Thresholds: green, then each [value, color] from that value up. */
export function steps(...from: Array<[number, string]>): ThresholdsConfig['steps'] {
  return [{ value: null, color: 'green' }, ...from.map(([value, color]) => ({ value, color }))]
}
