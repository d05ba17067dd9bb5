/**
 * The counters table of a run (`bench run --counters`, and a short table per experiment in
 * REPORT.md): per point, system, domain, mode (user, kernel, hypervisor) and core group, the cycles
 * and instructions counted there, their IPC, and the misses per kilo-instruction of each level,
 * as Perfctr-Xen reported counters per domain and mode. One record shape serves the CSV
 * (`<id>.counters.csv`), the terminal and `--json`.
 */
import {join} from 'node:path'
import {stringify} from 'csv-stringify/sync'
import {writeOutputFiles} from './atomic.js'
import type {CounterRow} from '../experiments/counter-metrics.js'
import {LEVELS, type PerLevel} from '../machine/indirect.js'
import {MODES, type Mode} from '../machine/counters.js'
import {UsageError} from '../errors.js'
import type {ExperimentRun} from '../experiments/runner.js'
import type {ParamValue, Point, SystemId} from '../experiments/types.js'
import type {FlatRow} from './columns.js'
import {formatCell} from './csv.js'
import {paramValue, parseCsv} from './csvread.js'
import {readable} from './table.js'

/**
 * The columns of a counters record after the experiment's `param_<axis>` columns: the tallies, their
 * IPC and MPKI, then the misses themselves (so a file read back gives the same table).
 */
export const COUNTER_COLUMNS: readonly string[] = [
  'domain',
  'mode',
  'cores',
  'cycles',
  'instructions',
  'ipc',
  ...LEVELS.map((l) => `${l}_mpki`),
  ...LEVELS.map((l) => `${l}_misses`),
]

/** What the terminal shows of a record (not the raw misses). */
const SHOWN = COUNTER_COLUMNS.filter((c) => !c.endsWith('_misses'))

/** The file `--counters --out DIR` writes beside `<id>.csv`. */
export function countersFile(id: string): string {
  return `${id}.counters.csv`
}

/** One counters record: experiment, system, the point's axes, then COUNTER_COLUMNS. */
export function counterRecord(id: string, axes: readonly string[], c: CounterRow): FlatRow {
  const out: FlatRow = {experiment: id, system: c.system}
  for (const a of axes) out[`param_${a}`] = c.params[a] ?? null
  const k = c.instructions / 1000
  Object.assign(out, {
    domain: c.domain,
    mode: c.mode,
    cores: c.cores,
    cycles: c.cycles,
    instructions: c.instructions,
    ipc: c.cycles > 0 ? c.instructions / c.cycles : 0,
  })
  for (const l of LEVELS) out[`${l}_mpki`] = k > 0 ? c.misses[l] / k : 0
  for (const l of LEVELS) out[`${l}_misses`] = c.misses[l]
  return out
}

/** The run's counters records, in run order (point, system, then as counted). */
export function counterRecords(run: ExperimentRun): FlatRow[] {
  const axes = run.experiment.axes.map((a) => a.name)
  return (run.counters ?? []).map((c) => counterRecord(run.experiment.id, axes, c))
}

/** `<id>.counters.csv`: a header and one line per record (numbers at full precision). */
export function countersCsv(run: ExperimentRun): string {
  const axes = run.experiment.axes.map((a) => `param_${a.name}`)
  const header = ['experiment', 'system', ...axes, ...COUNTER_COLUMNS]
  const records = counterRecords(run).map((r) => header.map((c) => formatCell(r[c] ?? null)))
  return stringify([header, ...records], {record_delimiter: 'unix'})
}

/** The terminal table of a run's counters (values rounded for reading). */
export function renderCounters(run: ExperimentRun): string {
  const axes = run.experiment.axes.map((a) => a.name)
  const header = [...axes, 'system', ...SHOWN]
  const body = counterRecords(run).map((r) => [
    ...axes.map((a) => String(r[`param_${a}`])),
    String(r.system),
    ...SHOWN.map((c) => (typeof r[c] === 'number' ? readable(r[c]) : String(r[c]))),
  ])
  const numeric = new Set(SHOWN.slice(3))
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)))
  const pad = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(header[i]) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')
  const title = `${run.experiment.id}: counters by system, domain, mode and core group`
  return [title, pad(header), ...body.map(pad)].join('\n') + '\n'
}

/** The point REPORT.md shows counters at: the sweep's last (its heaviest load on most axes). */
export function reportPoint(run: ExperimentRun): Point | undefined {
  return run.points[run.points.length - 1]
}

/** REPORT.md's short counters table of an experiment at reportPoint ([] when the run has none). */
export function countersSection(run: ExperimentRun): string[] {
  const point = reportPoint(run)
  const axes = run.experiment.axes.map((a) => a.name)
  const same = (p: Point) => point !== undefined && axes.every((a) => p[a] === point[a])
  const rows = (run.counters ?? []).filter((c) => same(c.params))
  if (!point || rows.length === 0) return []
  const at = axes.map((a) => `${a}=${point[a]}`).join(', ') || 'its single point'
  const cols = ['system', 'domain', 'mode', 'cores', 'cycles', 'instructions', 'ipc', ...LEVELS.map((l) => `${l}_mpki`)]
  const body = rows.map((c) => {
    const r = counterRecord(run.experiment.id, axes, c)
    return cols.map((k) => (typeof r[k] === 'number' ? readable(r[k]) : String(r[k])))
  })
  const line = (cells: readonly string[]) => `| ${cells.join(' | ')} |`
  return [
    `Counters at ${at} (per run; MPKI: lines or d-TLB entries missed per 1,000 instructions; ` +
      'hypervisor mode is Xen working for that domain; `bench run --counters` gives every point):',
    '',
    line(cols),
    line(cols.map((_, i) => (i >= 4 ? '---:' : '---'))),
    ...body.map(line),
    '',
  ]
}

/** `bench run --counters --json`: the rows as without it, and the counters records beside them. */
export interface RowsWithCounters {
  rows: FlatRow[]
  counters: FlatRow[]
}

export function withCounters(rows: FlatRow[], counters: FlatRow[] | undefined): FlatRow[] | RowsWithCounters {
  return counters ? {rows, counters} : rows
}

/** Writes `DIR/<id>.counters.csv` of every run (all or none); returns the paths. */
export function writeCounters(dir: string, runs: readonly ExperimentRun[]): string[] {
  const files = runs.map((r) => ({path: join(dir, countersFile(r.experiment.id)), data: countersCsv(r)}))
  writeOutputFiles(files, '--out')
  return files.map((f) => f.path)
}

/**
 * The counters of a run read back from `<id>.counters.csv` (as countersCsv wrote them), so a report
 * redrawn from a result folder shows the same tables. Every problem is a UsageError naming the file.
 */
export function readCountersCsv(text: string, file: string): CounterRow[] {
  const [header, ...records] = parseCsv(text)
  const missing = ['system', ...COUNTER_COLUMNS].filter((c) => !header?.includes(c))
  if (!header || missing.length > 0) throw new UsageError(`${file}: not a counters file (no column ${missing[0]})`)
  const axes = header.filter((h) => h.startsWith('param_'))
  return records.map((cells, i) => {
    const cell = (c: string) => cells[header.indexOf(c)] ?? ''
    const num = (c: string) => {
      const v = Number(cell(c))
      if (cell(c) === '' || !Number.isFinite(v)) throw new UsageError(`${file}:${i + 2}: ${c} is not a number`)
      return v
    }
    const mode = cell('mode')
    if (!(MODES as readonly string[]).includes(mode)) throw new UsageError(`${file}:${i + 2}: unknown mode '${mode}'`)
    const params: Record<string, ParamValue> = {}
    for (const a of axes) if (cell(a) !== '') params[a.slice('param_'.length)] = paramValue(cell(a))
    const misses = Object.fromEntries(LEVELS.map((l) => [l, num(`${l}_misses`)])) as PerLevel
    return {
      system: cell('system') as SystemId,
      params,
      domain: cell('domain'),
      mode: mode as Mode,
      cores: cell('cores'),
      cycles: num('cycles'),
      instructions: num('instructions'),
      misses,
    }
  })
}
