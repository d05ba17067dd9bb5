/**
 * The design-space summary: each experiment's main metric with every system side by side at one
 * point, as a table (REPORT.md, report.html), a one-line reading per experiment and a small CSV
 * (`design-space.csv`). Pure, from the runs' rows (what the CSVs hold), so `bench report` redraws it
 * from the files alone; generic over systems: whatever systems the rows have get a column. The
 * chart is design-space-chart.ts.
 */
import {stringify} from 'csv-stringify/sync'
import {InvariantError} from '../errors.js'
import {describePoint} from '../experiments/claims.js'
import {expandPoints} from '../experiments/points.js'
import type {ExperimentDef, MetricDef, ParamValue, Point, ResultRow} from '../experiments/types.js'
import {readable} from './table.js'

export const DESIGN_SPACE_FILE = 'design-space.csv'

/**
 * Columns and legend order: by how much of the kernel leaves the applications' kernel, the axis of
 * VirtuOS's design space (monolithic kernel <-> VMs <-> microkernel). Native and FlexSC keep one
 * monolithic kernel (FlexSC only changes how calls reach it); Xen driver domains move the drivers
 * alone into VMs; VirtuOS moves whole storage and network slices into VMs; a microkernel multiserver
 * system moves every service into user-level servers. VirtuOS sits between the VM and microkernel
 * corners, as the paper places it. A system not named here follows, in name order.
 */
export const DESIGN_SPACE_ORDER: readonly string[] = ['native', 'flexsc', 'driver-domain', 'virtuos', 'multiserver']

/** The missing cell of a system an experiment did not run (or not at the point). */
export const MISSING = '—'

export function orderSystems(systems: Iterable<string>): string[] {
  const present = new Set(systems)
  const known = DESIGN_SPACE_ORDER.filter((s) => present.has(s))
  const others = [...present].filter((s) => !DESIGN_SPACE_ORDER.includes(s)).sort()
  return [...known, ...others]
}

/** An experiment's main metric and its point in quick-sweep terms. */
export interface ResolvedChoice {
  metric: MetricDef
  point: Point
}

/**
 * The metric and point an experiment declares (ExperimentDef.designSpace), an axis it leaves out at
 * its last quick value; by default the first metric at the last point of the quick sweep (its most
 * loaded point in every experiment's axis order). Null when the experiment says why it is left out.
 */
export function designSpaceChoice(def: ExperimentDef): ResolvedChoice | null {
  const declared = def.designSpace
  if (declared && 'omitted' in declared) return null
  const name = declared?.metric ?? def.metrics[0]?.name
  const metric = def.metrics.find((m) => m.name === name)
  if (!metric) throw new InvariantError(`${def.id}: design-space metric '${name}' is not one of its metrics`)
  const last = expandPoints(def.axes, true).at(-1) ?? {}
  for (const axis of Object.keys(declared?.point ?? {}))
    if (!(axis in last)) throw new InvariantError(`${def.id}: design-space point names '${axis}', not one of its axes`)
  return {metric, point: {...last, ...declared?.point}}
}

/** One system's numbers at an experiment's point. */
export interface DesignSpaceCell {
  mean: number
  low: number
  high: number
  ratio: number | null
  ratioLow: number | null
  ratioHigh: number | null
}

export interface DesignSpaceEntry {
  experiment: string
  metric: string
  unit: string
  better: 'higher' | 'lower'
  /** The point shown: the chosen one, or the nearest this run swept (`moved`). */
  point: Point
  moved: boolean
  cells: ReadonlyMap<string, DesignSpaceCell>
}

export interface DesignSpace {
  /** Every system the rows have, in design-space order. */
  systems: string[]
  entries: DesignSpaceEntry[]
  omitted: {experiment: string; why: string}[]
}

/** What the summary needs of a run (an ExperimentRun, or rows made by hand). */
export interface DesignSpaceRun {
  experiment: ExperimentDef
  rows: readonly ResultRow[]
}

export function designSpace(runs: readonly DesignSpaceRun[]): DesignSpace {
  const entries: DesignSpaceEntry[] = []
  const omitted: DesignSpace['omitted'] = []
  for (const run of runs) {
    const choice = designSpaceChoice(run.experiment)
    if (choice) entries.push(entryOf(run, choice))
    else omitted.push({experiment: run.experiment.id, why: (run.experiment.designSpace as {omitted: string}).omitted})
  }
  const systems = orderSystems(runs.flatMap((r) => r.rows.map((row) => row.system as string)))
  return {systems, entries, omitted}
}

function entryOf(run: DesignSpaceRun, choice: ResolvedChoice): DesignSpaceEntry {
  const mine = run.rows.filter((r) => r.metric === choice.metric.name)
  const point = pointIn(choice.point, mine)
  const at = mine.filter((r) => Object.entries(point).every(([k, v]) => r.params[k] === v))
  const cells = new Map<string, DesignSpaceCell>()
  for (const r of at)
    cells.set(r.system, {
      mean: r.value,
      low: r.ci95Low,
      high: r.ci95High,
      ratio: r.ratioVsNative,
      ratioLow: r.ratioCi95Low,
      ratioHigh: r.ratioCi95High,
    })
  return {
    experiment: run.experiment.id,
    metric: choice.metric.name,
    unit: at[0]?.unit ?? choice.metric.unit,
    better: at[0]?.better ?? choice.metric.better,
    point,
    moved: describePoint(point) !== describePoint(choice.point),
    cells,
  }
}

/**
 * The chosen point among those the rows have: per axis the chosen value where it was swept, else the
 * nearest swept number (the larger on a tie), or the last swept value of a named axis (a full sweep
 * need not hold every quick value).
 */
function pointIn(chosen: Point, rows: readonly ResultRow[]): Point {
  const out: Record<string, ParamValue> = {}
  for (const [axis, want] of Object.entries(chosen)) {
    const swept = [...new Set(rows.map((r) => r.params[axis]).filter((v) => v !== undefined))]
    out[axis] = swept.length === 0 || swept.includes(want) ? want : nearest(want, swept)
  }
  return out
}

function nearest(want: ParamValue, swept: readonly ParamValue[]): ParamValue {
  if (typeof want !== 'number' || !swept.every((v) => typeof v === 'number')) return swept[swept.length - 1]
  const d = (v: number) => Math.abs(v - want)
  return (swept as number[]).reduce((a, b) => (d(b) < d(a) || (d(b) === d(a) && b > a) ? b : a))
}

/** "710 ±25 (1.12x)": the mean, the half-width of its 95% interval where it has one, the ratio to native. */
export function cellText(system: string, c: DesignSpaceCell | undefined): string {
  if (!c) return MISSING
  const interval = c.low === c.high ? '' : ` ±${readable((c.high - c.low) / 2)}`
  const ratio = system === 'native' || c.ratio === null ? '' : ` (${readable(c.ratio)}x)`
  return `${readable(c.mean)}${interval}${ratio}`
}

export interface DesignSpaceTable {
  header: string[]
  body: string[][]
  /** The first column holding systems (those before say what the row is). */
  firstSystem: number
}

/** Rows = experiments, columns = systems (design-space order); a system an experiment lacks is MISSING. */
export function designSpaceTable(space: DesignSpace): DesignSpaceTable {
  const lead = ['experiment', 'metric', 'point']
  return {
    header: [...lead, ...space.systems],
    body: space.entries.map((e) => [
      e.experiment,
      `${e.metric} (${e.unit}, ${e.better} is better)`,
      describePoint(e.point) + (e.moved ? ' (nearest swept)' : ''),
      ...space.systems.map((s) => cellText(s, e.cells.get(s))),
    ]),
    firstSystem: lead.length,
  }
}

/**
 * One line per experiment: the systems from best to worst in the metric's direction (ties in
 * design-space order), each with its ratio to native, and whether the leader's lead over the next
 * is inside their 95% intervals or under 1%.
 */
export function reading(entry: DesignSpaceEntry, systems: readonly string[]): string {
  const ran = systems.filter((s) => entry.cells.has(s))
  if (ran.length === 0) return `${entry.experiment}: no system has rows at ${describePoint(entry.point)}`
  const sign = entry.better === 'higher' ? -1 : 1
  const ranked = [...ran].sort((a, b) => sign * (entry.cells.get(a)!.mean - entry.cells.get(b)!.mean))
  const label = (s: string) => {
    const c = entry.cells.get(s)!
    if (s === 'native') return s
    return c.ratio === null ? `${s} (${readable(c.mean)} ${entry.unit})` : `${s} (${readable(c.ratio)}x native)`
  }
  const [first, second] = ranked
  if (!second) return `${entry.experiment}: only ${label(first)} ran`
  const lead = `${entry.experiment}: ${label(first)} leads on ${entry.metric}, then ${ranked.slice(1).map(label).join(', ')}`
  return lead + closeness(entry, first, second)
}

function closeness(entry: DesignSpaceEntry, a: string, b: string): string {
  const x = entry.cells.get(a)!
  const y = entry.cells.get(b)!
  if (x.mean === y.mean) return `; ${a} and ${b} tie`
  const wide = x.low !== x.high || y.low !== y.high
  const overlap = x.low <= y.high && y.low <= x.high
  if (wide && overlap) return `; ${a}'s lead over ${b} is within their 95% intervals`
  const gap = Math.abs(x.mean - y.mean) / Math.max(Math.abs(x.mean), Math.abs(y.mean))
  return gap < CLOSE ? `; ${a} and ${b} are within ${CLOSE * 100}% of each other` : ''
}

/** Means closer than this (a fraction of the larger) are called close in a reading, intervals or not. */
const CLOSE = 0.01

/** design-space.csv: one line per experiment and system that has a cell, in table order. */
export const DESIGN_SPACE_COLUMNS = [
  'experiment',
  'metric',
  'unit',
  'better',
  'point',
  'system',
  'mean',
  'ci',
  'ratio_to_native',
] as const

/** `ci` is the half-width of the mean's 95% interval (0 when it has none); a ratio is empty without native. */
export function designSpaceCsv(space: DesignSpace): string {
  const records = space.entries.flatMap((e) =>
    space.systems
      .filter((s) => e.cells.has(s))
      .map((s) => {
        const c = e.cells.get(s)!
        const ratio = c.ratio === null ? '' : String(c.ratio)
        return [e.experiment, e.metric, e.unit, e.better, describePoint(e.point), s, String(c.mean)].concat([
          String((c.high - c.low) / 2),
          ratio,
        ])
      }),
  )
  return stringify([[...DESIGN_SPACE_COLUMNS], ...records], {record_delimiter: 'unix'})
}
