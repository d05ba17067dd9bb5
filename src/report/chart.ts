/**
 * SVG charts drawn from a result CSV alone (vega-lite compiled to vega, rendered without a
 * browser), so anyone holding the CSV can re-plot. One chart per experiment and metric: the first
 * swept numeric axis is x (log when it spans decades), systems are colours, native is the dashed
 * black baseline, any other swept axis becomes facets. The experiment's definition, when given,
 * only adds axis units and the paper's reference points; it never supplies data.
 */
import * as vega from 'vega'
import {compile, type TopLevelSpec} from 'vega-lite'
import {
  SYSTEM_IDS,
  type ExperimentDef,
  type ParamValue,
  type Point,
  type ReferencePoint,
  type ResultRow,
  type SystemId,
} from '../experiments/types.js'
import {readResultCsv} from './csvread.js'
import {chartedReferences, ratioRows, vsNative} from './published.js'

export interface ChartFile {
  /** File name (no directory): `<experiment>.<metric>.svg`. */
  file: string
  svg: string
  experiment: string
  metric: string
  title: string
}

export interface ChartSpec extends Omit<ChartFile, 'svg'> {
  spec: TopLevelSpec
}

/** Fixed per system so a colour means the same design in every chart; native is the dashed baseline. */
const STYLE: Record<SystemId, {colour: string; bar: string; dash: number[]; shape: string}> = {
  native: {colour: '#222222', bar: '#9a9a9a', dash: [6, 4], shape: 'circle'},
  virtuos: {colour: '#d62728', bar: '#d62728', dash: [1, 0], shape: 'square'},
  flexsc: {colour: '#1f77b4', bar: '#1f77b4', dash: [1, 0], shape: 'triangle-up'},
  'driver-domain': {colour: '#2ca02c', bar: '#2ca02c', dash: [1, 0], shape: 'diamond'},
  multiserver: {colour: '#9467bd', bar: '#9467bd', dash: [1, 0], shape: 'cross'},
}

/** An x axis whose largest value is this many times its smallest is drawn on a log scale. */
const LOG_SPAN = 50
/** ... or this many times, when every swept value is a power of two. */
const LOG_SPAN_POW2 = 32
/** A y axis spanning this factor (all positive) is drawn on a log scale. */
const LOG_SPAN_Y = 100

/** Reference marks (SVG paths in unit coordinates, y down): distinct from every system's marker. */
const REF_SHAPE = {
  about: 'M-1,-1L1,1M-1,1L1,-1',
  'at-least': 'M-1,0L1,0M0,0L0,-1.6M-0.6,-1L0,-1.6L0.6,-1',
  'at-most': 'M-1,0L1,0M0,0L0,1.6M-0.6,1L0,1.6L0.6,1',
} as const

function refLegend(kinds: readonly string[]): string {
  const words: Record<string, string> = {
    about: 'X = published value',
    'at-least': 'bar with arrow up = published lower bound',
    'at-most': 'bar with arrow down = published upper bound',
  }
  return kinds.map((k) => words[k]).join(', ')
}

/** Where a reference comes from: its source up to the first ': ' (what follows is the point's own statement). */
function origin(source: string): string {
  const i = source.indexOf(': ')
  return i > 0 ? source.slice(0, i) : source
}

/** Subtitle lines longer than this wrap (a line is not clipped: it widens the image). */
const SUBTITLE_CHARS = 110

/** Splits at spaces into lines of at most `n` characters (a longer word stays whole). */
export function wrap(text: string, n: number): string[] {
  const lines: string[] = []
  let cur = ''
  for (const word of text.split(' ')) {
    if (cur && cur.length + 1 + word.length > n) {
      lines.push(cur)
      cur = word
    } else cur = cur ? `${cur} ${word}` : word
  }
  return cur ? [...lines, cur] : lines
}

export async function chartsFromCsv(csvText: string, def?: ExperimentDef, source = 'CSV'): Promise<ChartFile[]> {
  const specs = chartSpecs(readResultCsv(csvText, source), def)
  const out: ChartFile[] = []
  for (const {spec, ...rest} of specs) out.push({...rest, svg: await renderSvg(spec)})
  return out
}

/**
 * vega-lite's own logger, less the notice that its dataflow optimizer stopped after its pass limit:
 * the compiled spec is valid either way, and the notice on stderr reads as a fault of the run.
 */
export function compileLogger(): vega.LoggerInterface {
  const inner = vega.logger(vega.Warn)
  const self = {
    level: (...l: number[]) => (l.length === 0 ? inner.level() : (inner.level(l[0]), self)),
    error: (...a: readonly unknown[]) => (inner.error(...a), self),
    warn: (...a: readonly unknown[]) =>
      /^Maximum optimization runs/.test(String(a[0])) ? self : (inner.warn(...a), self),
    info: (...a: readonly unknown[]) => (inner.info(...a), self),
    debug: (...a: readonly unknown[]) => (inner.debug(...a), self),
  }
  return self as vega.LoggerInterface
}

export async function renderSvg(spec: TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(compile(spec, {logger: compileLogger()}).spec), {renderer: 'none'})
  try {
    return await view.toSVG()
  } finally {
    view.finalize()
  }
}

/** File-name-safe form of a metric name. */
export function slug(s: string): string {
  return s.replace(/[^A-Za-z0-9_-]+/g, '-').replace(/^-+|-+$/g, '') || 'metric'
}

/** One spec per (experiment, metric) found in the rows, in order of first appearance. */
export function chartSpecs(rows: readonly ResultRow[], def?: ExperimentDef): ChartSpec[] {
  const specs: ChartSpec[] = []
  for (const experiment of unique(rows.map((r) => r.experiment))) {
    const mine = rows.filter((r) => r.experiment === experiment)
    const d = def?.id === experiment ? def : undefined
    const charted = d ? {...d, reference: chartedReferences(d)} : undefined
    for (const metric of unique(mine.map((r) => r.metric))) {
      if (d?.metrics.find((m) => m.name === metric)?.chart === false) continue
      specs.push(
        metricChart(
          experiment,
          metric,
          mine.filter((r) => r.metric === metric),
          charted,
        ),
      )
      // a plot that publishes "system / native" is drawn on the rows' ratios, beside the metric's own chart
      const ratios = ratioRows(mine, metric)
      const published = charted?.reference.some((r) => r.metric === vsNative(metric)) ?? false
      if (published && ratios.length > 0) specs.push(metricChart(experiment, vsNative(metric), ratios, charted))
    }
  }
  return specs
}

function unique<T>(values: readonly T[]): T[] {
  return [...new Set(values)]
}

interface Layout {
  /** The x axis param, or null to put systems on x (an experiment with a single point). */
  x: string | null
  xNumeric: boolean
  facets: string[]
  fixed: string[]
  values: Map<string, ParamValue[]>
}

function layout(rows: readonly ResultRow[], def?: ExperimentDef): Layout {
  const names = unique([...(def?.axes.map((a) => a.name) ?? []), ...rows.flatMap((r) => Object.keys(r.params))]).filter(
    (n) => rows.some((r) => n in r.params),
  )
  const values = new Map(names.map((n) => [n, unique(rows.map((r) => r.params[n]).filter((v) => v !== undefined))]))
  const swept = names.filter((n) => values.get(n)!.length > 1)
  const numeric = swept.find((n) => values.get(n)!.every((v) => typeof v === 'number'))
  const x = numeric ?? swept[0] ?? null
  const fixed = names.filter((n) => !swept.includes(n))
  return {x, xNumeric: numeric !== undefined, facets: swept.filter((n) => n !== x), fixed, values}
}

function axisTitle(name: string, def?: ExperimentDef): string {
  const unit = def?.axes.find((a) => a.name === name)?.unit
  // "processes (processes)" says nothing twice
  return unit && unit !== name ? `${name} (${unit})` : name
}

const isBytes = (unit: string | undefined) => unit !== undefined && /^(bytes?|B)$/i.test(unit)
const isPow2 = (v: number) => Number.isInteger(v) && v > 0 && (v & (v - 1)) === 0

type Datum = Record<string, unknown>
type Layer = Record<string, unknown>
type Encoding = Record<string, unknown>
type Params = Readonly<Record<string, ParamValue>>

function metricChart(experiment: string, metric: string, rows: readonly ResultRow[], def?: ExperimentDef): ChartSpec {
  const lay = layout(rows, def)
  const systems = SYSTEM_IDS.filter((s) => rows.some((r) => r.system === s))
  const {data, refs, kinds} = chartData(metric, rows, lay, systems, def)
  const title = `${def?.title ?? experiment}: ${metric}`
  const spread = lay.xNumeric && rows.some((r) => r.ci95Low !== r.ci95High)
  const n = Math.max(...rows.map((r) => r.replicates))
  const subtitle = [
    ...subtitleLines(experiment, rows[0]?.better ?? 'higher', lay, refs, kinds, def),
    ...(spread ? [`vertical rules: 95% interval of the mean over ${n} replicate seeds`] : []),
  ]
  const ys = data.map((d) => d.y as number)
  const logY = ys.every((v) => v > 0) && Math.max(...ys) / Math.min(...ys) >= LOG_SPAN_Y
  const y = yEncoding(metric, rows[0]?.unit ?? '', logY)
  const enc = systemEncodings(systems)
  const {x, layers} =
    lay.x !== null && lay.xNumeric ? lineLayers(lay, lay.x, enc, def) : barLayers(lay, systems, ys, y, enc, def)
  const published = SYSTEM_IDS.filter((s) => data.some((d) => d.source === 'paper' && d.system === s))
  const paper = refLayers(kinds, published, lay.x !== null && lay.xNumeric)
  for (const l of [...layers, ...paper]) l.encoding = {x, y, ...(l.encoding as object)}
  if (lay.x !== null && lay.xNumeric) layers.push(...intervalLayers(data, x, y, enc, logY))
  layers.push(...paper)
  const spec = chartSpec(title, subtitle, data, layers, lay, def)
  return {file: `${experiment}.${slug(metric)}.svg`, experiment, metric, title, spec: spec as unknown as TopLevelSpec}
}

/** The model's rows, then the paper's numbers for this metric at points this run has (fixed axes must agree). */
function chartData(
  metric: string,
  rows: readonly ResultRow[],
  lay: Layout,
  systems: readonly SystemId[],
  def?: ExperimentDef,
) {
  // One facet axis: its name is the facet title and values label the panels; several: "a=1, b=x".
  const facetOf = (params: Params) =>
    lay.facets.length === 1 ? String(params[lay.facets[0]]) : lay.facets.map((f) => `${f}=${params[f]}`).join(', ')
  const data: Datum[] = rows.map((r) => ({
    x: lay.x === null ? r.system : r.params[lay.x],
    y: r.value,
    lo: r.ci95Low,
    hi: r.ci95High,
    system: r.system,
    facet: facetOf(r.params),
    source: 'model',
  }))
  const agrees = (point: Point) => lay.fixed.every((f) => point[f] === undefined || point[f] === lay.values.get(f)![0])
  const refs = (def?.reference ?? []).filter(
    (p) => p.metric === metric && systems.includes(p.system) && agrees(p.point),
  )
  const swept = lay.x === null ? [] : lay.values.get(lay.x)!
  for (const p of refs) {
    // Only at swept x values: a published point the run did not reach would stretch the axis past the model's line.
    if (lay.x !== null && !swept.includes(p.point[lay.x])) continue
    const x = lay.x === null ? p.system : p.point[lay.x]
    data.push({
      x,
      y: p.value,
      system: p.system,
      series: publishedSeries(p.system),
      facet: facetOf(p.point),
      source: 'paper',
      kind: p.kind ?? 'about',
    })
  }
  const kinds = unique(data.filter((d) => d.source === 'paper').map((d) => d.kind as string))
  return {data, refs, kinds}
}

function subtitleLines(
  experiment: string,
  better: string,
  lay: Layout,
  refs: readonly ReferencePoint[],
  kinds: readonly string[],
  def?: ExperimentDef,
): string[] {
  const fixed = lay.fixed.map((f) => `${f} = ${lay.values.get(f)![0]}`).join(', ')
  return [
    def?.reproduces ? `reproduces ${def.reproduces}` : `experiment ${experiment}`,
    `${better} is better`,
    ...(lay.fixed.length > 0 ? [fixed] : []),
    ...(kinds.length > 0 ? [`${refLegend(kinds)}: ${unique(refs.map((r) => origin(r.source))).join('; ')}`] : []),
  ].flatMap((line) => wrap(line, SUBTITLE_CHARS))
}

function yEncoding(metric: string, unit: string, logY: boolean) {
  return {
    field: 'y',
    type: 'quantitative',
    title: `${metric}${unit ? ` (${unit})` : ''}`,
    scale: (logY ? {type: 'log'} : {zero: true}) as Record<string, unknown>,
    axis: logY ? {format: '~s'} : {},
  }
}

/** Per-system scales: `scale(pick)` maps each system to its style; `colour(bar)` is the colour encoding. */
interface SystemEncodings {
  (bar: boolean): Encoding
  scale: (pick: (s: SystemId) => unknown) => Encoding
}

function systemEncodings(systems: readonly SystemId[]): SystemEncodings {
  const scale = (pick: (s: SystemId) => unknown) => ({domain: systems, range: systems.map(pick)})
  const colour = (bar: boolean) => ({
    field: 'system',
    type: 'nominal',
    title: 'system',
    scale: scale((s) => (bar ? STYLE[s].bar : STYLE[s].colour)),
    legend: {
      labelExpr: `datum.label === 'native' ? 'native (${bar ? 'grey' : 'dashed'} baseline)' : datum.label`,
      labelLimit: 300,
    },
  })
  return Object.assign(colour, {scale})
}

const MODEL = {filter: "datum.source === 'model'"}

/**
 * The 95% interval of each model point as a vertical rule, where it has width (none for a
 * deterministic experiment). On a log axis an interval reaching 0 or below is cut at the axis floor.
 */
function intervalLayers(data: Datum[], x: Encoding, y: Encoding, enc: SystemEncodings, logY: boolean): Layer[] {
  const wide = data.filter((d) => d.source === 'model' && d.lo !== d.hi)
  if (wide.length === 0) return []
  if (logY) {
    const floor = Math.min(...data.map((d) => d.y as number)) / 2
    for (const d of wide) d.lo = Math.max(d.lo as number, floor)
  }
  return [
    {
      transform: [MODEL, {filter: 'datum.lo !== datum.hi'}],
      mark: {type: 'rule', strokeWidth: 1.5, opacity: 0.6},
      encoding: {x, y: {...y, field: 'lo'}, y2: {field: 'hi'}, color: enc(false)},
    },
  ]
}
const PAPER = {filter: "datum.source === 'paper'"}

/** The legend entry of a system's published points: their own series, apart from the model's systems. */
export const publishedSeries = (system: SystemId) => `${system} (published)`

/**
 * The published points as their own series ("<system> (published)" in a legend of their own, on the
 * stroke channel so its scale stays apart from the systems' colours): a
 * value is an X, a bound a bar with an arrow pointing where the model may lie; on a numeric x the
 * values are joined by a thin dotted line, so the published curve reads as one next to the model's.
 */
function refLayers(kinds: readonly string[], systems: readonly SystemId[], joined: boolean): Layer[] {
  const colour = {
    field: 'series',
    type: 'nominal',
    title: 'published (paper)',
    scale: {domain: systems.map(publishedSeries), range: systems.map((s) => STYLE[s].colour)},
    legend: {symbolType: REF_SHAPE.about, symbolStrokeWidth: 2.5, labelLimit: 300},
  }
  const line: Layer[] =
    joined && kinds.includes('about')
      ? [
          {
            transform: [PAPER, {filter: "datum.kind === 'about'"}],
            mark: {type: 'line', strokeWidth: 1.2, strokeDash: [2, 3], opacity: 0.8},
            encoding: {stroke: colour, detail: {field: 'series', type: 'nominal'}},
          },
        ]
      : []
  return [
    ...line,
    ...kinds.map((kind) => ({
      transform: [PAPER, {filter: `datum.kind === '${kind}'`}],
      mark: {
        type: 'point',
        shape: REF_SHAPE[kind as keyof typeof REF_SHAPE],
        size: 110,
        strokeWidth: 2.5,
        filled: false,
        opacity: 1,
      },
      encoding: {stroke: colour},
    })),
  ]
}

const BYTES_LABEL =
  "datum.value >= 1048576 ? format(datum.value / 1048576, '~r') + ' MiB' : " +
  "datum.value >= 1024 ? format(datum.value / 1024, '~r') + ' KiB' : format(datum.value, '~r') + ' B'"

/** A numeric sweep: a line with markers per system over x (log when it spans decades). */
function lineLayers(
  lay: Layout,
  name: string,
  enc: SystemEncodings,
  def?: ExperimentDef,
): {x: Encoding; layers: Layer[]} {
  const xs = lay.values.get(name)!.map(Number)
  const scaleType = xScaleType(xs)
  const axis: Record<string, unknown> = {}
  if (isBytes(def?.axes.find((a) => a.name === name)?.unit)) axis.labelExpr = BYTES_LABEL
  else if (scaleType !== 'linear') axis.labelExpr = "format(datum.value, '~s')"
  // Ticks at the swept values: a log axis's own ticks rarely land on powers of two or on 0.
  if (scaleType !== 'linear' && xs.length <= 12) axis.values = xs
  const domain = [Math.min(...xs), Math.max(...xs)]
  const base = xs.every(isPow2) ? 2 : 10
  const scale =
    scaleType === 'log'
      ? {type: 'log', base, nice: false, domain}
      : scaleType === 'symlog'
        ? {type: 'symlog', nice: false, domain}
        : {zero: false, nice: false}
  const x = {field: 'x', type: 'quantitative', title: axisTitle(name, def), scale, axis}
  const byStyle = (pick: (s: SystemId) => unknown) => ({
    field: 'system',
    type: 'nominal',
    title: 'system',
    scale: enc.scale(pick),
  })
  const layers: Layer[] = [
    {
      transform: [MODEL],
      // One layer for line and points, so the legend shows each system's line style and marker.
      mark: {type: 'line', strokeWidth: 2, point: {filled: true, size: 55}},
      encoding: {color: enc(false), strokeDash: byStyle((s) => STYLE[s].dash), shape: byStyle((s) => STYLE[s].shape)},
    },
  ]
  return {x, layers}
}

/** Log when the sweep spans decades; symlog when it also holds 0 (e.g. an idle gap of 0, 10, ... 10000 us). */
function xScaleType(xs: readonly number[]): 'log' | 'symlog' | 'linear' {
  // an evenly spaced sweep (time buckets) reads as a line in time, however many decades it spans
  if (evenlySpaced(xs)) return 'linear'
  const positive = xs.filter((v) => v > 0)
  const span = positive.length > 1 ? Math.max(...positive) / Math.min(...positive) : 1
  // Powers of two (batch sizes, buffer sizes) read best on a log2 axis from a smaller span on.
  const spans = span >= LOG_SPAN || (span >= LOG_SPAN_POW2 && xs.every(isPow2))
  return spans ? (positive.length === xs.length ? 'log' : 'symlog') : 'linear'
}

/** At least 3 values, sorted, with one step between neighbours. */
function evenlySpaced(xs: readonly number[]): boolean {
  const v = [...xs].sort((a, b) => a - b)
  return v.length >= 3 && v.every((x, i) => i === 0 || x - v[i - 1] === v[1] - v[0])
}

/** No numeric sweep: grouped bars, one per system (native grey). Sets `y`'s log floor when it is log. */
function barLayers(
  lay: Layout,
  systems: readonly SystemId[],
  ys: readonly number[],
  y: ReturnType<typeof yEncoding>,
  enc: SystemEncodings,
  def?: ExperimentDef,
): {x: Encoding; layers: Layer[]} {
  const xValues = lay.x === null ? systems : lay.values.get(lay.x)!
  const title = lay.x === null ? 'system' : axisTitle(lay.x, def)
  const x = {field: 'x', type: 'nominal', title, sort: xValues, axis: {labelAngle: 0}}
  const logY = y.scale.type === 'log'
  // A bar on a log scale needs a finite base: the decade below the smallest value.
  const floor = logY ? {y2: {datum: 10 ** Math.floor(Math.log10(Math.min(...ys)))}} : {}
  if (logY) y.scale = {type: 'log', domainMin: floor.y2!.datum}
  const offset = lay.x === null ? {} : {xOffset: {field: 'system', type: 'nominal', sort: systems}}
  return {x, layers: [{transform: [MODEL], mark: {type: 'bar'}, encoding: {color: enc(true), ...floor, ...offset}}]}
}

/** The top-level spec: faceted panels when another axis is swept, else one chart. */
function chartSpec(
  title: string,
  subtitle: string[],
  data: Datum[],
  layers: Layer[],
  lay: Layout,
  def?: ExperimentDef,
) {
  const spec: Record<string, unknown> = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {text: title, subtitle, anchor: 'start'},
    data: {values: data},
    background: 'white',
    config: {font: 'Helvetica, Arial, sans-serif', legend: {orient: 'right'}},
  }
  if (lay.facets.length === 0) return Object.assign(spec, {width: 460, height: 280, layer: layers})
  const facetValues = unique(data.filter((d) => d.source === 'model').map((d) => d.facet as string))
  // Panels whose values differ by orders of magnitude get their own y scale, else the small ones read as flat lines.
  const peaks = facetValues.map((f) =>
    Math.max(...data.filter((d) => d.facet === f).map((d) => Math.abs(d.y as number))),
  )
  const independent = Math.min(...peaks) <= 0 ? Math.max(...peaks) > 0 : Math.max(...peaks) / Math.min(...peaks) > 5
  if (independent) spec.resolve = {scale: {y: 'independent'}}
  return Object.assign(spec, {
    facet: {
      field: 'facet',
      type: 'ordinal',
      title: lay.facets.length === 1 ? axisTitle(lay.facets[0], def) : null,
      sort: facetValues,
    },
    columns: Math.min(3, facetValues.length),
    spec: {width: 300, height: 200, layer: layers},
  })
}

/** Spare bar colours for systems this file has no style for, in the order they come (none a styled system's). */
const SPARE_COLOURS = ['#9467bd', '#8c564b', '#e377c2', '#bcbd22', '#17becf'].filter(
  (c) => !Object.values(STYLE).some((s) => s.bar === c || s.colour === c),
)

/** Each system's bar colour as every chart draws it; a system without a style gets the next spare one. */
export function barColours(systems: readonly string[]): string[] {
  let spare = 0
  return systems.map(
    (s) => (STYLE as Partial<Record<string, {bar: string}>>)[s]?.bar ?? SPARE_COLOURS[spare++ % SPARE_COLOURS.length],
  )
}
