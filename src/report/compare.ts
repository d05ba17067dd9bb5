/**
 * The regression gate's arithmetic: rows of a new run against the baseline's, matched on
 * (experiment, system, params, metric). A row moved when its relative change exceeds the
 * tolerance; rows on one side only are missing or extra. Pure, so it is tested without running
 * anything.
 */
import {describePoint} from '../experiments/claims.js'
import {pointKey} from '../experiments/points.js'
import type {ResultRow} from '../experiments/types.js'
import {readable} from './table.js'

export interface MovedRow {
  old: ResultRow
  now: ResultRow
  /** (new - old) / |old|; Infinity when old is 0 and new is not. */
  change: number
}

export interface Comparison {
  tolerance: number
  /** Rows present on both sides. */
  checked: number
  /** Beyond the tolerance, largest |change| first. */
  moved: MovedRow[]
  /** In the baseline, not in the new run. */
  missing: ResultRow[]
  /** In the new run, not in the baseline. */
  extra: ResultRow[]
}

export function rowKey(r: ResultRow): string {
  return `${r.experiment}\u0000${r.system}\u0000${pointKey(r.params)}\u0000${r.metric}`
}

export function relativeChange(old: number, now: number): number {
  if (old === now) return 0
  if (old === 0) return now > 0 ? Infinity : -Infinity
  return (now - old) / Math.abs(old)
}

export function compareRows(baseline: readonly ResultRow[], current: readonly ResultRow[], tolerance: number): Comparison {
  const now = new Map(current.map((r) => [rowKey(r), r]))
  const seen = new Set<string>()
  const moved: MovedRow[] = []
  const missing: ResultRow[] = []
  let checked = 0
  for (const old of baseline) {
    const key = rowKey(old)
    const r = now.get(key)
    if (!r) {
      missing.push(old)
      continue
    }
    seen.add(key)
    checked++
    const change = relativeChange(old.value, r.value)
    if (Math.abs(change) > tolerance) moved.push({old, now: r, change})
  }
  moved.sort((a, b) => Math.abs(b.change) - Math.abs(a.change))
  const extra = current.filter((r) => !seen.has(rowKey(r)))
  return {tolerance, checked, moved, missing, extra}
}

export function comparisonFailed(c: Comparison): boolean {
  return c.moved.length > 0 || c.missing.length > 0 || c.extra.length > 0
}

const pct = (x: number) => (Number.isFinite(x) ? `${x >= 0 ? '+' : ''}${Number((x * 100).toPrecision(3))}%` : x > 0 ? '+inf' : '-inf')

function aligned(rows: readonly string[][]): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows.map((r) => '  ' + r.map((c, i) => (i >= r.length - 3 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd())
}

const where = (r: ResultRow) => [r.experiment, r.system, describePoint(r.params), r.metric]

/** The human report: moved rows worst first, then missing and extra rows, then one verdict line. */
export function renderComparison(c: Comparison, baselineDir: string): string {
  const lines: string[] = []
  const tol = `${Number((c.tolerance * 100).toPrecision(3))}%`
  if (c.moved.length > 0) {
    lines.push(`moved beyond ${tol} (worst first):`)
    lines.push(
      ...aligned([
        ['experiment', 'system', 'point', 'metric', 'old', 'new', 'change'],
        ...c.moved.map((m) => [...where(m.old), readable(m.old.value), readable(m.now.value), pct(m.change)]),
      ]),
    )
  }
  const list = (title: string, rows: readonly ResultRow[]) => {
    if (rows.length === 0) return
    lines.push(title)
    lines.push(...aligned([['experiment', 'system', 'point', 'metric', 'value', '', ''], ...rows.map((r) => [...where(r), readable(r.value), '', ''])]))
  }
  list('missing (in the baseline, not produced now):', c.missing)
  list('extra (produced now, not in the baseline):', c.extra)
  const verdict = comparisonFailed(c) ? 'FAIL' : 'ok'
  lines.push(
    `bench compare: ${c.checked} rows checked against ${baselineDir} (tolerance ${tol}): ` +
      `${c.moved.length} moved, ${c.missing.length} missing, ${c.extra.length} extra: ${verdict}`,
  )
  return lines.join('\n') + '\n'
}
