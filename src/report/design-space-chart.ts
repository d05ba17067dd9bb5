/**
 * The design-space chart: per experiment (x), one bar per system (colours as in every chart) from
 * native's level 1 to the system's ratio to native on the experiment's main metric, with the ratio's
 * 95% interval as a rule. Native is the dashed line at 1. The y axis is log when the ratios span a
 * decade, so 0.5x and 2x sit as far from native. Drawn from the same summary as the table.
 */
import type {TopLevelSpec} from 'vega-lite'
import {barColours, renderSvg, wrap} from './chart.js'
import type {DesignSpace} from './design-space.js'

export const DESIGN_SPACE_CHART = 'design-space.svg'
export const DESIGN_SPACE_TITLE = "Design space: each experiment's main metric relative to native"

/** Ratios whose largest is this many times the smallest (1 included) get a log axis. */
const LOG_SPAN = 10

type Datum = Record<string, unknown>

/** The x label of an experiment: which metric, and which way is better (the subtitle says what the arrows mean). */
export const groupLabel = (e: {experiment: string; metric: string; better: string}) =>
  `${e.experiment} ${e.metric} ${e.better === 'higher' ? '↑' : '↓'}`

/** The chart's vega-lite spec, or null when no experiment has a system other than native with a ratio. */
export function designSpaceSpec(space: DesignSpace): TopLevelSpec | null {
  const data: Datum[] = space.entries.flatMap((e) =>
    [...e.cells]
      .filter(([s, c]) => s !== 'native' && c.ratio !== null)
      .map(([s, c]) => ({
        x: groupLabel(e),
        y: c.ratio,
        lo: c.ratioLow ?? c.ratio,
        hi: c.ratioHigh ?? c.ratio,
        system: s,
        source: 'model',
      })),
  )
  if (data.length === 0) return null
  const systems = space.systems.filter((s) => s !== 'native' && data.some((d) => d.system === s))
  const labels = space.entries.map(groupLabel).filter((l) => data.some((d) => d.x === l))
  const ys = data.map((d) => d.y as number)
  const logY = ys.every((v) => v > 0) && Math.max(1, ...ys) / Math.min(1, ...ys) >= LOG_SPAN
  if (logY) for (const d of data) d.lo = Math.max(d.lo as number, Math.min(1, ...ys) / 2)
  const x = {field: 'x', type: 'nominal', title: null, sort: labels, axis: {labelAngle: -30, labelLimit: 400}}
  const xOffset = {field: 'system', type: 'nominal', sort: systems}
  const y = {
    field: 'y',
    type: 'quantitative',
    title: 'ratio to native (native = 1)',
    scale: logY ? {type: 'log'} : {zero: false},
    ...(logY ? {axis: {format: '~g'}} : {}),
  }
  const colour = {
    field: 'system',
    type: 'nominal',
    title: 'system',
    scale: {domain: systems, range: barColours(systems)},
  }
  const layers: Datum[] = [
    {mark: {type: 'bar'}, encoding: {x, xOffset, y, y2: {datum: 1}, color: colour}},
    {
      transform: [{filter: 'datum.lo !== datum.hi'}],
      mark: {type: 'rule', color: '#222222', strokeWidth: 1.2},
      encoding: {x, xOffset, y: {...y, field: 'lo'}, y2: {field: 'hi'}},
    },
    {
      data: {values: [{y: 1}]},
      mark: {type: 'rule', color: '#222222', strokeDash: [6, 4], strokeWidth: 1.5},
      encoding: {y: {field: 'y', type: 'quantitative'}},
    },
  ]
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {text: DESIGN_SPACE_TITLE, subtitle: subtitle(space, labels, logY), anchor: 'start'},
    data: {values: data},
    background: 'white',
    config: {font: 'Helvetica, Arial, sans-serif', legend: {orient: 'right'}},
    width: {step: 16, for: 'offset'},
    height: 300,
    layer: layers,
  } as unknown as TopLevelSpec
}

function subtitle(space: DesignSpace, drawn: readonly string[], logY: boolean): string[] {
  const left = space.entries.filter((e) => !drawn.includes(groupLabel(e))).map((e) => e.experiment)
  return [
    "each system's mean over native's at the experiment's design-space point (REPORT.md's table gives the points)",
    'dashed line: native; a bar above it is more of the metric than native: better for a metric marked ↑ (higher is ' +
      'better), worse for one marked ↓ (lower is better)',
    ...(logY ? ['log scale: the ratios span a decade or more'] : []),
    'black rules: 95% interval of the ratio, where it has width',
    ...(left.length > 0 ? [`not drawn (no ratio to native): ${left.join(', ')}`] : []),
  ].flatMap((line) => wrap(line, 110))
}

export interface DesignSpaceChartFile {
  file: string
  title: string
  svg: string
  spec: TopLevelSpec
}

/** The chart drawn as SVG, or null when there is nothing to draw (see designSpaceSpec). */
export async function designSpaceChart(space: DesignSpace): Promise<DesignSpaceChartFile | null> {
  const spec = designSpaceSpec(space)
  if (!spec) return null
  return {file: DESIGN_SPACE_CHART, title: DESIGN_SPACE_TITLE, svg: await renderSvg(spec), spec}
}
