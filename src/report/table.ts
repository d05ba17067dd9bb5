/**
 * The terminal view: one aligned table per experiment with the value and ratio vs native of every
 * row. Values are rounded for reading (the CSV keeps full precision). Colour only when the given
 * chalk instance has a level (the command passes chalk, which is plain when stdout is no TTY).
 */
import type {ChalkInstance} from 'chalk'
import type {ExperimentRun} from '../experiments/runner.js'
import {judgeClaim} from '../experiments/claims.js'
import type {ResultRow, Verdict} from '../experiments/types.js'

export function renderTable(run: ExperimentRun, paint: ChalkInstance): string {
  const def = run.experiment
  const axes = def.axes.map((a) => a.name)
  const header = [...axes, 'system', 'metric', 'value', '±95%', 'unit', 'vs native', '±95% ']
  const numeric = new Set([
    'value',
    '±95%',
    'vs native',
    '±95% ',
    ...axes.filter((a) => run.points.every((p) => typeof p[a] === 'number')),
  ])
  const body = run.rows.map((r) => [
    ...axes.map((a) => String(r.params[a])),
    r.system,
    r.metric,
    readable(r.value),
    halfWidth(r.ci95Low, r.ci95High),
    r.unit,
    ratioText(r),
    halfWidth(r.ratioCi95Low, r.ratioCi95High),
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i].length)))
  const pad = (cells: string[]) =>
    cells.map((c, i) => (numeric.has(header[i]) ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ')
  const lines = [
    paint.bold(`${def.id}: ${def.title}`) +
      paint.dim(
        `  (${def.reproduces}; ${run.quick ? 'quick' : 'full'}, seed ${run.seed}, profile ${run.profile.name})`,
      ),
    paint.underline(pad(header)),
    ...body.map((cells, i) => colourRatio(pad(cells), cells[cells.length - 2], run.rows[i], paint)),
    paint.dim(footer(run)),
    ...clauseLines(run, paint),
  ]
  return lines.join('\n') + '\n'
}

/** Colour the ratio cell by whether the row beats native in the metric's own direction. */
function colourRatio(line: string, ratio: string, row: ResultRow, paint: ChalkInstance): string {
  if (row.ratioVsNative === null || row.system === 'native' || row.ratioVsNative === 1) return line
  const better = row.better === 'higher' ? row.ratioVsNative > 1 : row.ratioVsNative < 1
  const cut = line.lastIndexOf(ratio)
  return line.slice(0, cut) + (better ? paint.green(ratio) : paint.red(ratio)) + line.slice(cut + ratio.length)
}

/** The half-width of a 95% interval, blank when it has none. */
function halfWidth(low: number | null, high: number | null): string {
  return low === null || high === null || low === high ? '' : `±${readable((high - low) / 2)}`
}

const PAINT: Record<Verdict, (p: ChalkInstance, s: string) => string> = {
  supported: (p, s) => p.green(s),
  'not supported': (p, s) => p.red(s),
  inconclusive: (p, s) => p.yellow(s),
  untested: (p, s) => p.dim(s),
}

/** Each clause of the claim with its verdict, then the claim's. */
function clauseLines(run: ExperimentRun, paint: ChalkInstance): string[] {
  const v = judgeClaim(run.experiment, run.rows)
  if (!v) return []
  return [
    ...v.clauses.map((c, i) => `  clause ${i + 1}: ${PAINT[c.verdict](paint, c.verdict)}: ${c.clause.text}`),
    `  claim: ${PAINT[v.verdict](paint, v.verdict)} (the conjunction; numbers behind each clause in claims.json of bench paper)`,
  ]
}

function ratioText(r: ResultRow): string {
  return r.ratioVsNative === null ? '-' : `${readable(r.ratioVsNative)}x`
}

/** Four significant digits, integers kept whole; exponent form only for the very large or small. */
export function readable(v: number): string {
  if (Number.isInteger(v) && Math.abs(v) < 1e15) return String(v)
  const a = Math.abs(v)
  if (a !== 0 && (a < 1e-3 || a >= 1e9)) return v.toExponential(3)
  return String(Number(v.toPrecision(4)))
}

function footer(run: ExperimentRun): string {
  const e = run.engine
  return (
    `${run.points.length} points x ${run.systems.length} systems x ${run.replicates} replicate` +
    `${run.replicates === 1 ? '' : 's'}, ${e.events} events, ` +
    `${readable(e.eventsPerSecond)} events/s, wall ${run.wallSeconds.toFixed(2)} s, jobs ${run.jobs}`
  )
}
