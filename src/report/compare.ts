/**
 * The regression gate's arithmetic: rows of a new run against the baseline's, matched on
 * (experiment, system, params, metric). A row moved when its change exceeds both its relative and
 * its absolute tolerance (per metric, or the defaults); a moved row regressed or improved by its
 * metric's direction (`better`). Each clause of each experiment's claim is judged on both sides: a
 * clause whose verdict changes (supported, not supported, inconclusive) is a flip, listed first.
 * Rows on one side only are missing or extra. Pure, so it is tested without running anything;
 * `bench compare` and `bench diff` share it.
 */
import {describePoint, judgeClaim} from '../experiments/claims.js'
import {pointKey} from '../experiments/points.js'
import type {ExperimentDef, ResultRow, Verdict} from '../experiments/types.js'
import {readable} from './table.js'

export interface Tolerance {
  /** Relative change allowed, |new - old| / |old| (0.02 = 2%). */
  relative: number
  /** Absolute change allowed, in the metric's unit. */
  absolute: number
}

export interface Tolerances {
  default: Tolerance
  /** Per metric name: overrides of the default. */
  metrics: Readonly<Record<string, Partial<Tolerance>>>
}

export const tolerancesOf = (
  relative: number,
  absolute = 0,
  metrics: Record<string, Partial<Tolerance>> = {},
): Tolerances => ({
  default: {relative, absolute},
  metrics,
})

export function toleranceFor(t: Tolerances, metric: string): Tolerance {
  return {...t.default, ...t.metrics[metric]}
}

export type MoveKind = 'regressed' | 'improved'

export interface MovedRow {
  old: ResultRow
  now: ResultRow
  /** (new - old) / |old|; null when old is 0 (no relative change exists). */
  change: number | null
  /** new - old. */
  delta: number
  kind: MoveKind
}

/** A clause's verdict on one side of a comparison. */
export interface ClauseSide {
  verdict: Verdict
  detail: string
}

/** One clause of one experiment's claim, judged on the baseline's rows and on the new ones. */
export interface ClaimChange {
  experiment: string
  /** The clause's sentence. */
  claim: string
  old: ClauseSide
  now: ClauseSide
  flipped: boolean
}

export interface Comparison {
  tolerances: Tolerances
  /** Experiments compared (union of both sides), in first-seen order. */
  experiments: string[]
  /** Rows present on both sides. */
  checked: number
  /** Beyond the tolerance: finite relative changes largest first, then changes from 0 by size. */
  moved: MovedRow[]
  /** In the baseline, not in the new run. */
  missing: ResultRow[]
  /** In the new run, not in the baseline. */
  extra: ResultRow[]
  /** One per clause of each compared experiment, in clause order (flips() picks the changed ones). */
  claims: ClaimChange[]
  /** What a reader should know of the two sides' provenance (profile hash, overrides): said once, never a failure. */
  notes: string[]
}

export function rowKey(r: ResultRow): string {
  return `${r.experiment}\u0000${r.system}\u0000${pointKey(r.params)}\u0000${r.metric}`
}

/** (new - old) / |old|; 0 for equal values; null from 0 (a relative change from nothing is undefined). */
export function relativeChange(old: number, now: number): number | null {
  if (old === now) return 0
  if (old === 0) return null
  return (now - old) / Math.abs(old)
}

/** Whether going from old to now is better, by the metric's direction. */
export function moveKind(r: ResultRow, old: number, now: number): MoveKind {
  return (r.better === 'higher') === now > old ? 'improved' : 'regressed'
}

/**
 * Moved rows in the order a reader wants them: finite relative changes largest first, then changes from 0, largest
 * first.
 */
export function byMagnitude(a: MovedRow, b: MovedRow): number {
  if (a.change !== null && b.change !== null) return Math.abs(b.change) - Math.abs(a.change)
  if (a.change !== null) return -1
  if (b.change !== null) return 1
  return Math.abs(b.delta) - Math.abs(a.delta)
}

/** Each clause of the experiment judged on both sides. */
function clauseChanges(def: ExperimentDef, oldRows: readonly ResultRow[], newRows: readonly ResultRow[]) {
  const o = judgeClaim(def, oldRows)
  const n = judgeClaim(def, newRows)
  if (!o || !n) return []
  return n.clauses.map((now, i): ClaimChange => {
    const old = o.clauses[i]
    return {
      experiment: def.id,
      claim: now.clause.text,
      old: {verdict: old.verdict, detail: old.detail},
      now: {verdict: now.verdict, detail: now.detail},
      flipped: old.verdict !== now.verdict,
    }
  })
}

export interface CompareOptions {
  /** The definitions of the experiments, for their claims (an id without one is compared on rows only). */
  definitions?: ReadonlyMap<string, ExperimentDef>
}

export function compareRows(
  baseline: readonly ResultRow[],
  current: readonly ResultRow[],
  tolerances: Tolerances | number,
  opts: CompareOptions = {},
): Comparison {
  const tol = typeof tolerances === 'number' ? tolerancesOf(tolerances) : tolerances
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
    if (old.value === r.value) continue
    const t = toleranceFor(tol, old.metric)
    const change = relativeChange(old.value, r.value)
    const delta = r.value - old.value
    const withinRelative = change !== null && Math.abs(change) <= t.relative
    const withinAbsolute = Math.abs(delta) <= t.absolute
    if (!withinRelative && !withinAbsolute)
      moved.push({old, now: r, change, delta, kind: moveKind(old, old.value, r.value)})
  }
  moved.sort(byMagnitude)
  const extra = current.filter((r) => !seen.has(rowKey(r)))
  const experiments = [...new Set([...baseline, ...current].map((r) => r.experiment))]
  const claims: ClaimChange[] = []
  for (const id of experiments) {
    const def = opts.definitions?.get(id)
    if (!def) continue
    const oldRows = baseline.filter((r) => r.experiment === id)
    const newRows = current.filter((r) => r.experiment === id)
    if (oldRows.length === 0 || newRows.length === 0) continue
    claims.push(...clauseChanges(def, oldRows, newRows))
  }
  return {
    tolerances: tol,
    experiments,
    checked,
    moved,
    missing,
    extra,
    claims,
    notes: provenanceNotes(baseline, current),
  }
}

/** The distinct (profile hash, overrides) of a side's rows, as a reader reads them. */
function provenanceOf(rows: readonly ResultRow[]): string[] {
  const seen = new Set(rows.map((r) => `${r.profileHash}${r.overrides ? ` with ${r.overrides}` : ''}`))
  return [...seen]
}

/**
 * Provenance columns (profile_hash, overrides) identify what produced a row; rows are matched and
 * compared without them. A side written before they existed is said once, not reported row by row.
 */
export function provenanceNotes(baseline: readonly ResultRow[], current: readonly ResultRow[]): string[] {
  const lacking = (rows: readonly ResultRow[]) => rows.some((r) => r.profileHash === undefined)
  if (lacking(baseline) || lacking(current)) {
    const side = lacking(baseline)
      ? lacking(current)
        ? 'the rows of both sides'
        : "the baseline's rows"
      : 'the new rows'
    return [`${side} carry no profile_hash/overrides (written before rows recorded them): compared without them`]
  }
  const [a, b] = [provenanceOf(baseline), provenanceOf(current)]
  if (a.join('\n') === b.join('\n')) return []
  const list = (xs: string[]) =>
    xs.length > 3 ? `${xs.slice(0, 3).join(', ')} and ${xs.length - 3} more` : xs.join(', ')
  return [`rows of profile ${list(a)} compared with rows of profile ${list(b)} (provenance, not a figure)`]
}

export const flips = (c: Comparison) => c.claims.filter((x) => x.flipped)

export function comparisonFailed(c: Comparison): boolean {
  return c.moved.length > 0 || c.missing.length > 0 || c.extra.length > 0 || flips(c).length > 0
}

export interface ComparisonCounts {
  checked: number
  moved: number
  regressed: number
  improved: number
  flipped: number
  missing: number
  extra: number
  failed: boolean
}

export function counts(c: Comparison): ComparisonCounts {
  const regressed = c.moved.filter((m) => m.kind === 'regressed').length
  return {
    checked: c.checked,
    moved: c.moved.length,
    regressed,
    improved: c.moved.length - regressed,
    flipped: flips(c).length,
    missing: c.missing.length,
    extra: c.extra.length,
    failed: comparisonFailed(c),
  }
}

export const pct = (x: number) => `${x >= 0 ? '+' : ''}${Number((x * 100).toPrecision(3))}%`

/** The change as shown: a signed % or, from 0, the absolute change. */
export const changeText = (m: MovedRow) =>
  m.change === null ? `from 0 (${m.delta >= 0 ? '+' : ''}${readable(m.delta)})` : pct(m.change)

export const verdictText = (v: {verdict: Verdict}) => v.verdict

export function toleranceText(t: Tolerances): string {
  const one = (x: Partial<Tolerance>) =>
    [
      x.relative !== undefined ? pct(x.relative).replace(/^\+/, '') : '',
      x.absolute ? `abs ${readable(x.absolute)}` : '',
    ]
      .filter(Boolean)
      .join(' / ')
  const per = Object.entries(t.metrics).map(([m, x]) => `${m} ${one(x)}`)
  return [one(t.default), ...per].join(', ')
}

function aligned(rows: readonly string[][], right: number): string[] {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)))
  return rows.map(
    (r) =>
      '  ' +
      r
        .map((c, i) => (i >= r.length - right ? c.padStart(widths[i]) : c.padEnd(widths[i])))
        .join('  ')
        .trimEnd(),
  )
}

export const where = (r: ResultRow) => [r.experiment, r.system, describePoint(r.params), r.metric]

/**
 * The human report: verdict flips, then moved rows largest first, then missing and extra rows, then one summary line.
 */
export function renderComparison(c: Comparison, baselineDir: string, command = 'bench compare'): string {
  const lines: string[] = []
  const f = flips(c)
  if (f.length > 0) {
    lines.push('clause verdicts that changed:')
    lines.push(
      ...aligned(
        [
          ['experiment', 'clause', 'was', 'now', 'detail'],
          ...f.map((x) => [x.experiment, x.claim, verdictText(x.old), verdictText(x.now), x.now.detail]),
        ],
        0,
      ),
    )
  }
  if (c.moved.length > 0) {
    lines.push('moved beyond the tolerance (largest change first):')
    lines.push(
      ...aligned(
        [
          ['experiment', 'system', 'point', 'metric', 'class', 'old', 'new', 'change'],
          ...c.moved.map((m) => [...where(m.old), m.kind, readable(m.old.value), readable(m.now.value), changeText(m)]),
        ],
        3,
      ),
    )
  }
  const list = (title: string, rows: readonly ResultRow[]) => {
    if (rows.length === 0) return
    lines.push(title)
    lines.push(
      ...aligned(
        [['experiment', 'system', 'point', 'metric', 'value'], ...rows.map((r) => [...where(r), readable(r.value)])],
        1,
      ),
    )
  }
  list('missing (in the baseline, not produced now):', c.missing)
  list('extra (produced now, not in the baseline):', c.extra)
  for (const note of c.notes) lines.push(`note: ${note}`)
  const n = counts(c)
  lines.push(
    `${command}: ${n.checked} rows checked against ${baselineDir} (tolerance ${toleranceText(c.tolerances)}): ` +
      `${n.moved} moved (${n.regressed} regressed, ${n.improved} improved), ${n.flipped} verdict flip${n.flipped === 1 ? '' : 's'}, ` +
      `${n.missing} missing, ${n.extra} extra: ${n.failed ? 'FAIL' : 'ok'}`,
  )
  return lines.join('\n') + '\n'
}

/** A JSON-ready view of a comparison (the `--json` result of `bench compare` and `bench diff`). */
export interface ComparisonJson {
  baseline: string
  tolerance: {relative: number; absolute: number; metrics: Record<string, Partial<Tolerance>>}
  summary: ComparisonCounts
  experiments: string[]
  claims: {experiment: string; clause: string; was: ClauseSide; now: ClauseSide; flipped: boolean}[]
  moved: {
    experiment: string
    system: string
    params: Record<string, number | string>
    metric: string
    unit: string
    better: 'higher' | 'lower'
    class: MoveKind
    old: number
    new: number
    change: number | null
    delta: number
  }[]
  missing: {
    experiment: string
    system: string
    params: Record<string, number | string>
    metric: string
    value: number
  }[]
  extra: {experiment: string; system: string; params: Record<string, number | string>; metric: string; value: number}[]
  /** Provenance remarks (Comparison.notes). */
  notes: string[]
}

export function comparisonJson(c: Comparison, baselineDir: string): ComparisonJson {
  const side = (r: ResultRow) => ({
    experiment: r.experiment,
    system: r.system,
    params: {...r.params},
    metric: r.metric,
    value: r.value,
  })
  return {
    baseline: baselineDir,
    tolerance: {...c.tolerances.default, metrics: {...c.tolerances.metrics}},
    summary: counts(c),
    experiments: c.experiments,
    claims: c.claims.map((x) => ({
      experiment: x.experiment,
      clause: x.claim,
      was: x.old,
      now: x.now,
      flipped: x.flipped,
    })),
    moved: c.moved.map((m) => ({
      experiment: m.old.experiment,
      system: m.old.system,
      params: {...m.old.params},
      metric: m.old.metric,
      unit: m.old.unit,
      better: m.old.better,
      class: m.kind,
      old: m.old.value,
      new: m.now.value,
      change: m.change,
      delta: m.delta,
    })),
    missing: c.missing.map(side),
    extra: c.extra.map(side),
    notes: [...c.notes],
  }
}
