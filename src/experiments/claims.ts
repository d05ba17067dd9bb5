/**
 * Ready-made claim checks for ExperimentDef.claimCheck: each decides from the rows, in the metric's
 * own direction, how a system compares with native. "Gain" below is how many times better than
 * native a row is (ratio for higher-is-better metrics, 1/ratio for lower-is-better), so > 1 always
 * means better than native whatever the metric's direction.
 */
import type {ClaimVerdict, Point, ReferenceKind, ResultRow, SystemId} from './types.js'

/** How many times better than native this row is (> 1: better); null without a native value. */
export function gainVsNative(row: ResultRow): number | null {
  if (row.ratioVsNative === null) return null
  if (row.better === 'higher') return row.ratioVsNative
  return row.ratioVsNative === 0 ? Infinity : 1 / row.ratioVsNative
}

/** "clients=4, request=small"; "the single point" for an experiment without axes. */
export function describePoint(point: Point): string {
  const parts = Object.entries(point).map(([k, v]) => `${k}=${v}`)
  return parts.length > 0 ? parts.join(', ') : 'the single point'
}

/** How a model value stands against a published reference point: the one rule for every place that shows it. */
export interface ReferenceGap {
  /**
   * Signed % distance from the published value (model / published - 1); for a bound, 0 when it holds
   * and otherwise the % by which it is missed. null when the published value is 0 (no relative error).
   */
  errorPct: number | null
  /** Whether a bound holds; null for a published value (`about`). */
  meets: boolean | null
  /** For a table column named error: "+13.1%", "meets bound (>= 10x)", "misses bound (<= 1x) by +5.87%". */
  text: string
  /** For running text: "error +13.1%", else the same as `text`. */
  phrase: string
}

const signedPct = (x: number) => `${x >= 0 ? '+' : ''}${Number(x.toPrecision(3))}%`

/** `unit` only labels a bound ("ratio" reads as "x"). */
export function referenceGap(value: number, ref: {value: number; kind?: ReferenceKind}, unit = ''): ReferenceGap {
  const kind = ref.kind ?? 'about'
  const off = ref.value === 0 ? null : (value / ref.value - 1) * 100
  if (kind === 'about') {
    if (off === null) return {errorPct: null, meets: null, text: '-', phrase: 'no relative error (published 0)'}
    return {errorPct: off, meets: null, text: signedPct(off), phrase: `error ${signedPct(off)}`}
  }
  const meets = kind === 'at-most' ? value <= ref.value : value >= ref.value
  const suffix = unit === 'ratio' || unit === 'x' ? 'x' : unit ? ` ${unit}` : ''
  const bound = `${kind === 'at-most' ? '<=' : '>='} ${Number(ref.value.toPrecision(4))}${suffix}`
  const text = meets
    ? `meets bound (${bound})`
    : `misses bound (${bound})${off === null ? '' : ` by ${signedPct(off)}`}`
  return {errorPct: meets ? 0 : off, meets, text, phrase: text}
}

interface Compared {
  row: ResultRow
  gain: number
}

/** The system's rows of one metric that have a native value to compare with. */
function compared(rows: readonly ResultRow[], system: SystemId, metric: string): Compared[] {
  const out: Compared[] = []
  for (const row of rows) {
    if (row.system !== system || row.metric !== metric) continue
    const gain = gainVsNative(row)
    if (gain !== null) out.push({row, gain})
  }
  return out
}

const times = (g: number) => (Number.isFinite(g) ? `${Number(g.toPrecision(3))}x` : 'infinitely')

function noData(system: SystemId, metric: string): ClaimVerdict {
  return {holds: null, detail: `no ${system} rows of ${metric} with a native value to compare with`}
}

/**
 * The system does better than native on `metric` at some point (`where: 'any'`, the default) or at
 * every point (`'all'`), by more than `margin` (0.05 = at least 5% better; default 0).
 */
export function betterThanNative(opts: {system: SystemId; metric: string; where?: 'any' | 'all'; margin?: number}) {
  const {system, metric, where = 'any', margin = 0} = opts
  return (rows: readonly ResultRow[]): ClaimVerdict => {
    const c = compared(rows, system, metric)
    if (c.length === 0) return noData(system, metric)
    const wins = c.filter((x) => x.gain > 1 + margin)
    const best = c.reduce((a, b) => (b.gain > a.gain ? b : a))
    const worst = c.reduce((a, b) => (b.gain < a.gain ? b : a))
    const holds = where === 'any' ? wins.length > 0 : wins.length === c.length
    const by = margin > 0 ? ` by more than ${margin * 100}%` : ''
    const detail =
      `${system} is better than native on ${metric}${by} at ${wins.length} of ${c.length} points ` +
      `(best ${times(best.gain)} at ${describePoint(best.row.params)}, ` +
      `worst ${times(worst.gain)} at ${describePoint(worst.row.params)})`
    return {holds, detail}
  }
}

/**
 * The system's overhead over native on `metric` is at most `max` (0.1 = 10%) at every point. The
 * overhead of a row is 1/gain - 1: extra latency for lower-is-better metrics, extra time per unit of
 * work for throughput.
 */
export function overheadWithin(opts: {system: SystemId; metric: string; max: number}) {
  const {system, metric, max} = opts
  return (rows: readonly ResultRow[]): ClaimVerdict => {
    const c = compared(rows, system, metric)
    if (c.length === 0) return noData(system, metric)
    const worst = c.reduce((a, b) => (b.gain < a.gain ? b : a))
    const overhead = 1 / worst.gain - 1
    const pct = (x: number) => `${Number((x * 100).toPrecision(3))}%`
    return {
      holds: overhead <= max,
      detail:
        `${system}'s largest overhead over native on ${metric} is ${pct(overhead)} ` +
        `(at ${describePoint(worst.row.params)}); the claim allows ${pct(max)}`,
    }
  }
}

/**
 * "The system pays for X": it does worse than native on `metric` by more than `margin` at some point
 * (the cost is measurable), and the worst point is named.
 */
export function paysVsNative(opts: {system: SystemId; metric: string; margin?: number}) {
  const {system, metric, margin = 0} = opts
  return (rows: readonly ResultRow[]): ClaimVerdict => {
    const c = compared(rows, system, metric)
    if (c.length === 0) return noData(system, metric)
    const losses = c.filter((x) => x.gain < 1 / (1 + margin))
    const worst = c.reduce((a, b) => (b.gain < a.gain ? b : a))
    return {
      holds: losses.length > 0,
      detail:
        `${system} is worse than native on ${metric}${margin > 0 ? ` by more than ${margin * 100}%` : ''} ` +
        `at ${losses.length} of ${c.length} points ` +
        `(worst ${times(worst.gain)} at ${describePoint(worst.row.params)})`,
    }
  }
}

/** All of the checks hold (null if none fails but one cannot tell); details joined. */
export function allOf(...checks: ((rows: readonly ResultRow[]) => ClaimVerdict)[]) {
  return (rows: readonly ResultRow[]): ClaimVerdict => {
    const verdicts = checks.map((c) => c(rows))
    const holds = verdicts.some((v) => v.holds === false) ? false : verdicts.some((v) => v.holds === null) ? null : true
    return {holds, detail: verdicts.map((v) => v.detail).join('; ')}
  }
}

/** A published value (`about`) or bound (`at-most` / `at-least`) for one point of one metric. */
export interface PublishedPoint {
  kind: 'about' | 'at-most' | 'at-least'
  value: number
}

/**
 * The system's rows of `metric` match what was published at each point that has a published
 * value: an `about` value within `tolerance` (0.15 = 15%) either way, a bound met or missed by at
 * most `tolerance`. Points without a published value are skipped; the worst miss is named.
 */
export function matchesPublished(opts: {
  system: SystemId
  metric: string
  published: (point: Point) => PublishedPoint | null
  tolerance: number
}) {
  const {system, metric, published, tolerance} = opts
  return (rows: readonly ResultRow[]): ClaimVerdict => {
    const judged: {row: ResultRow; miss: number}[] = []
    for (const row of rows) {
      if (row.system !== system || row.metric !== metric) continue
      const ref = published(row.params)
      if (!ref) continue
      // the same rule as the report's reference table: 0 when a bound holds, else the distance
      const miss = Math.abs(referenceGap(row.value, ref).errorPct ?? 0) / 100
      judged.push({row, miss})
    }
    if (judged.length === 0) return {holds: null, detail: `no ${system} rows of ${metric} at a published point`}
    const fails = judged.filter((j) => j.miss > tolerance)
    const worst = judged.reduce((a, b) => (b.miss > a.miss ? b : a))
    const pct = (x: number) => `${Number((x * 100).toPrecision(3))}%`
    return {
      holds: fails.length === 0,
      detail:
        `${system}'s ${metric} is within ${pct(tolerance)} of the published value or bound ` +
        `at ${judged.length - fails.length} of ${judged.length} points` +
        ` (worst: ${pct(worst.miss)} off at ${describePoint(worst.row.params)})`,
    }
  }
}
