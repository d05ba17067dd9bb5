/**
 * Claims as clauses (ExperimentDef.clauses): ready-made checks, each deciding one sentence from the
 * rows and their 95% intervals. A comparison is three-valued: an interval wholly past the margin
 * decides it, one that straddles the margin leaves it open (`inconclusive`), so a claim never passes
 * on noise. "Gain" is how many times better than native a row is (its ratio for higher-is-better
 * metrics, 1/ratio for lower-is-better), so > 1 always means better whatever the metric's direction.
 */
import type {
  ClaimVerdict,
  Clause,
  ClauseVerdict,
  ExperimentDef,
  Point,
  ReferenceKind,
  ResultRow,
  SystemId,
  Verdict,
} from './types.js'

/** true: decided for; false: decided against; null: the interval straddles the margin. */
export type Tri = boolean | null

/** A value with its 95% interval. */
export interface Interval {
  mid: number
  low: number
  high: number
}

/** How many times better than native this row is (> 1: better); null without a native value. */
export function gainVsNative(row: ResultRow): number | null {
  if (row.ratioVsNative === null) return null
  if (row.better === 'higher') return row.ratioVsNative
  return row.ratioVsNative === 0 ? Infinity : 1 / row.ratioVsNative
}

const inverse = (x: number) => (x === 0 ? Infinity : 1 / x)

/** The row's gain over native with its interval (from the per-replicate ratios); null without native. */
export function gainInterval(row: ResultRow): Interval | null {
  const mid = gainVsNative(row)
  if (mid === null) return null
  const low = row.ratioCi95Low ?? row.ratioVsNative!
  const high = row.ratioCi95High ?? row.ratioVsNative!
  if (row.better === 'higher') return {mid, low, high}
  return {mid, low: inverse(high), high: inverse(low)}
}

/** The row's value with its interval. */
export const valueInterval = (row: ResultRow): Interval => ({mid: row.value, low: row.ci95Low, high: row.ci95High})

/**
 * How many times better `a` is than `b` (another system, or another point), with an interval from
 * the two rows' intervals taken at their far ends: conservative, as the replicates of different
 * rows are not paired.
 */
export function gainOver(a: ResultRow, b: ResultRow): Interval {
  const [num, den] = a.better === 'higher' ? [a, b] : [b, a]
  return quotient(valueInterval(num), valueInterval(den))
}

/** Lies wholly above `t` (true), wholly at or below it (false), or straddles it (null). */
export const above = (iv: Interval, t: number): Tri => (iv.low > t ? true : iv.high <= t ? false : null)
/** Lies wholly below `t` (true), wholly at or above it (false), or straddles it (null). */
export const below = (iv: Interval, t: number): Tri => (iv.high < t ? true : iv.low >= t ? false : null)

/** Kleene "or" over points: one true point decides it, all false refute it. */
export function someOf(tris: readonly Tri[]): Tri {
  if (tris.some((t) => t === true)) return true
  return tris.every((t) => t === false) ? false : null
}

/** Kleene "and": one false point refutes it, all true decide it. */
export function everyOf(tris: readonly Tri[]): Tri {
  if (tris.some((t) => t === false)) return false
  return tris.every((t) => t === true) ? true : null
}

export function verdictOfTri(t: Tri): Verdict {
  return t === true ? 'supported' : t === false ? 'not supported' : 'inconclusive'
}

/** "clients=4, request=small"; "the single point" for an experiment without axes. */
export function describePoint(point: Point): string {
  const parts = Object.entries(point).map(([k, v]) => `${k}=${v}`)
  return parts.length > 0 ? parts.join(', ') : 'the single point'
}

/** "1.23x [1.1, 1.4]": a gain or ratio with its interval (the interval left out when it has no width). */
export function timesText(iv: Interval): string {
  const f = (g: number) => (Number.isFinite(g) ? `${Number(g.toPrecision(3))}` : 'inf')
  return iv.low === iv.high ? `${f(iv.mid)}x` : `${f(iv.mid)}x [${f(iv.low)}, ${f(iv.high)}]`
}

/** "846 [840, 851]": a value with its interval. */
export function valueText(iv: Interval): string {
  const f = (g: number) => `${Number(g.toPrecision(4))}`
  return iv.low === iv.high ? f(iv.mid) : `${f(iv.mid)} [${f(iv.low)}, ${f(iv.high)}]`
}

/** A clause's verdict from three-valued point judgements, with the count of each outcome. */
export interface Judged {
  row: ResultRow
  tri: Tri
  /** What was compared, for the detail sentence. */
  shown: string
  /** Further rows the judgement rests on (native, or the other system or point). */
  with?: readonly ResultRow[]
}

/** The clause verdict of judged points under `where` (some point or every point). */
export function decide(judged: readonly Judged[], where: 'some' | 'every', summary: string): ClauseVerdict {
  const points = judged.flatMap((j) => [j.row, ...(j.with ?? [])])
  if (judged.length === 0) return {verdict: 'untested', detail: `${summary}: no rows to judge`, points}
  const tri = where === 'some' ? someOf(judged.map((j) => j.tri)) : everyOf(judged.map((j) => j.tri))
  const count = (t: Tri) => judged.filter((j) => j.tri === t).length
  const tally = `holds at ${count(true)} of ${judged.length} points, fails at ${count(false)}, straddles at ${count(null)}`
  // the points a reader wants named: those that decided it, else the open ones
  const decisive = judged.filter((j) => j.tri === (tri ?? null))
  const named = (decisive.length > 0 ? decisive : judged).slice(0, 3)
  const where_ = named.map((j) => `${j.shown} at ${describePoint(j.row.params)}`).join('; ')
  return {verdict: verdictOfTri(tri), detail: `${summary}: ${tally} (${where_})`, points}
}

const nativeOf = (rows: readonly ResultRow[], row: ResultRow) =>
  rows.filter((r) => r.system === 'native' && r.metric === row.metric && samePoint(r.params, row.params))

export function samePoint(a: Point, b: Point): boolean {
  const ka = Object.keys(a)
  return ka.length === Object.keys(b).length && ka.every((k) => a[k] === b[k])
}

/** A clause on a gain over native reads both systems' rows. */
const withNative = (system: SystemId): SystemId[] => (system === 'native' ? ['native'] : [system, 'native'])

/** What every clause over the rows of one system and metric is given. */
export interface PointClauseOptions {
  /** The sentence, its margin in its words. */
  text: string
  system: SystemId
  metric: string
  /** Some point or every point of those selected (each builder says its default). */
  where?: 'some' | 'every'
  /** Only points this accepts (e.g. threads > 1). */
  at?: (point: Point) => boolean
}

export interface GainClauseOptions extends PointClauseOptions {
  /** `above`: the gain over native exceeds `threshold`; `below`: it falls short of it. */
  side: 'above' | 'below'
  threshold: number
  /** The margin as the sentence states it (for claims.json); default |threshold - 1|. */
  margin?: number
}

/** A clause on the system's gain over native at the selected points, judged on its interval. */
export function gainClause(o: GainClauseOptions): Clause {
  const where = o.where ?? 'some'
  return {
    text: o.text,
    margin: o.margin ?? Math.abs(o.threshold - 1),
    systems: withNative(o.system),
    check(rows) {
      const judged: Judged[] = []
      for (const row of rows) {
        if (row.system !== o.system || row.metric !== o.metric || (o.at && !o.at(row.params))) continue
        const iv = gainInterval(row)
        if (!iv) continue
        const tri = o.side === 'above' ? above(iv, o.threshold) : below(iv, o.threshold)
        judged.push({row, tri, shown: `${timesText(iv)} native`, with: nativeOf(rows, row)})
      }
      const t = Number(o.threshold.toPrecision(4))
      const summary = `${o.system}'s gain over native on ${o.metric} ${o.side} ${t}x at ${where} point`
      return decide(judged, where, summary)
    },
  }
}

/** Better than native by more than `margin` (0.05 = 5%) at some (or every) selected point. */
export function betterThanNative(o: Omit<GainClauseOptions, 'side' | 'threshold'> & {margin: number}): Clause {
  return gainClause({...o, side: 'above', threshold: 1 + o.margin})
}

/** Worse than native by more than `margin` at some (or every) selected point: the cost is measurable. */
export function paysVsNative(o: Omit<GainClauseOptions, 'side' | 'threshold'> & {margin: number}): Clause {
  return gainClause({...o, side: 'below', threshold: 1 / (1 + o.margin)})
}

/** The overhead over native (1/gain - 1) is below `max` at every selected point. */
export function overheadWithin(o: Omit<GainClauseOptions, 'side' | 'threshold' | 'where'> & {max: number}): Clause {
  return gainClause({...o, where: 'every', side: 'above', threshold: 1 / (1 + o.max), margin: o.max})
}

/** Within `tolerance` of native either way (0.1 = 10%) at every selected point: it costs what it does natively. */
export function nearNative(o: Omit<GainClauseOptions, 'side' | 'threshold' | 'where'> & {tolerance: number}): Clause {
  const faster = gainClause({...o, where: 'every', side: 'below', threshold: 1 + o.tolerance})
  const slower = gainClause({...o, where: 'every', side: 'above', threshold: 1 / (1 + o.tolerance)})
  return {
    text: o.text,
    margin: o.tolerance,
    systems: withNative(o.system),
    check(rows) {
      const a = slower.check(rows)
      const b = faster.check(rows)
      const verdict = conjunction([a.verdict, b.verdict])
      return {verdict, detail: `${a.detail}; ${b.detail}`, points: a.points}
    },
  }
}

export interface ValueClauseOptions extends PointClauseOptions {
  side: 'above' | 'below'
  threshold: number
  margin?: number | null
}

/** A clause on the value itself (a count above 0, a ratio above 0.9) at the selected points. */
export function valueClause(o: ValueClauseOptions): Clause {
  const where = o.where ?? 'every'
  return {
    text: o.text,
    margin: o.margin ?? null,
    systems: [o.system],
    check(rows) {
      const judged: Judged[] = rows
        .filter((r) => r.system === o.system && r.metric === o.metric && (!o.at || o.at(r.params)))
        .map((row) => {
          const iv = valueInterval(row)
          const tri = o.side === 'above' ? above(iv, o.threshold) : below(iv, o.threshold)
          return {row, tri, shown: `${valueText(iv)} ${row.unit}`}
        })
      return decide(judged, where, `${o.system}'s ${o.metric} ${o.side} ${o.threshold} at ${where} point`)
    },
  }
}

export interface VersusClauseOptions extends PointClauseOptions {
  other: SystemId
  /** The gain of `system` over `other` exceeds 1 + margin. */
  margin: number
}

/** The system does better than another (not native) by more than `margin`, intervals compared at their ends. */
export function versusClause(o: VersusClauseOptions): Clause {
  const where = o.where ?? 'some'
  return {
    text: o.text,
    margin: o.margin,
    systems: [o.system, o.other],
    check(rows) {
      const judged: Judged[] = []
      for (const row of rows) {
        if (row.system !== o.system || row.metric !== o.metric || (o.at && !o.at(row.params))) continue
        const b = rows.find((r) => r.system === o.other && r.metric === o.metric && samePoint(r.params, row.params))
        if (!b) continue
        const iv = gainOver(row, b)
        judged.push({row, tri: above(iv, 1 + o.margin), shown: `${timesText(iv)} ${o.other}`, with: [b]})
      }
      const summary = `${o.system}'s gain over ${o.other} on ${o.metric} above ${1 + o.margin}x at ${where} point`
      return decide(judged, where, summary)
    },
  }
}

export interface TrendClauseOptions {
  text: string
  system: SystemId
  metric: string
  /** The axis along which the metric moves; its smallest and largest swept values are compared. */
  axis: string
  /** `rises`: the value at the largest axis value exceeds the one at the smallest by more than margin. */
  direction: 'rises' | 'falls'
  margin: number
  where?: 'some' | 'every'
  /** Only groups (points without the axis) this accepts. */
  at?: (point: Point) => boolean
  /** What moves: the value (default) or the gain over native. */
  of?: 'value' | 'gain'
}

/** The metric rises (or falls) along an axis, in some (or every) group of the other axes. */
export function trendClause(o: TrendClauseOptions): Clause {
  const where = o.where ?? 'some'
  return {
    text: o.text,
    margin: o.margin,
    systems: o.of === 'gain' ? withNative(o.system) : [o.system],
    check(rows) {
      const mine = rows.filter((r) => r.system === o.system && r.metric === o.metric && o.axis in r.params)
      const groups = new Map<string, ResultRow[]>()
      for (const r of mine) {
        const rest: Record<string, string | number> = {...r.params}
        delete rest[o.axis]
        if (o.at && !o.at(rest)) continue
        const key = JSON.stringify(rest)
        groups.set(key, [...(groups.get(key) ?? []), r])
      }
      const judged: Judged[] = []
      for (const g of groups.values()) {
        if (g.length < 2) continue
        const sorted = [...g].sort((a, b) => Number(a.params[o.axis]) - Number(b.params[o.axis]))
        const [lo, hi] = [sorted[0], sorted[sorted.length - 1]]
        const [num, den] = o.direction === 'rises' ? [hi, lo] : [lo, hi]
        const iv =
          o.of === 'gain' ? gainTrend(num, den) : gainOver({...num, better: 'higher'}, {...den, better: 'higher'})
        if (!iv) continue
        const shown = `${timesText(iv)} from ${o.axis}=${lo.params[o.axis]} to ${hi.params[o.axis]}`
        judged.push({row: hi, tri: above(iv, 1 + o.margin), shown, with: [lo]})
      }
      const what = o.of === 'gain' ? `gain over native on ${o.metric}` : o.metric
      const summary = `${o.system}'s ${what} ${o.direction} by more than ${o.margin * 100}% along ${o.axis} in ${where} group`
      return decide(judged, where, summary)
    },
  }
}

/**
 * `a` / `b` with the interval taken at the far ends (a.low / b.high .. a.high / b.low): conservative,
 * as the two intervals are not paired. A denominator at or below 0 gives Infinity (0 when the
 * numerator is not above 0 either).
 */
export function quotient(a: Interval, b: Interval): Interval {
  const div = (x: number, y: number) => (y <= 0 ? (x > 0 ? Infinity : 0) : x / y)
  return {mid: div(a.mid, b.mid), low: div(a.low, b.high), high: div(a.high, b.low)}
}

/** The mean of values with intervals: its interval the mean of their ends (they hold at once or not at all). */
export function meanInterval(ivs: readonly Interval[]): Interval {
  const mean = (f: (iv: Interval) => number) => ivs.reduce((s, iv) => s + f(iv), 0) / ivs.length
  return {mid: mean((iv) => iv.mid), low: mean((iv) => iv.low), high: mean((iv) => iv.high)}
}

/**
 * Whether a mean sits at a bound no replicate can pass (a count's 0, a 0/1 flag's 1): only when
 * every replicate is at it. Two-valued, not judged on the interval: a mean off the bound proves a
 * replicate that is off it (one lost call), which an interval straddling a threshold would call noise.
 */
export const atBound = (value: number, bound: number): Tri =>
  Math.abs(value - bound) <= 1e-9 * Math.max(1, Math.abs(bound))

export interface AtBoundClauseOptions extends PointClauseOptions {
  /** The bound every replicate must sit at (0 for a count that must be none, 1 for a flag that must hold). */
  bound: number
}

/** The metric sits at its bound in every replicate (atBound) at every (or some) selected point. */
export function atBoundClause(o: AtBoundClauseOptions): Clause {
  const where = o.where ?? 'every'
  return {
    text: o.text,
    margin: null,
    systems: [o.system],
    check(rows) {
      const judged: Judged[] = rows
        .filter((r) => r.system === o.system && r.metric === o.metric && (!o.at || o.at(r.params)))
        .map((row) => ({row, tri: atBound(row.value, o.bound), shown: `${valueText(valueInterval(row))} ${row.unit}`}))
      const summary = `${o.system}'s ${o.metric} at ${o.bound} in each of its replicates at ${where} point`
      return decide(judged, where, summary)
    },
  }
}

export interface RatioClauseOptions extends ValueClauseOptions {
  /** The denominator's metric, read from the same point as `metric` (e.g. after / before). */
  of: string
}

/** One metric over another of the same point and system (quotient of their intervals) above or below a threshold. */
export function ratioClause(o: RatioClauseOptions): Clause {
  const where = o.where ?? 'every'
  return {
    text: o.text,
    margin: o.margin ?? null,
    systems: [o.system],
    check(rows) {
      const judged: Judged[] = []
      for (const row of rows) {
        if (row.system !== o.system || row.metric !== o.metric || (o.at && !o.at(row.params))) continue
        const den = rows.find((r) => r.system === o.system && r.metric === o.of && samePoint(r.params, row.params))
        if (!den) continue
        const iv = quotient(valueInterval(row), valueInterval(den))
        const tri = o.side === 'above' ? above(iv, o.threshold) : below(iv, o.threshold)
        judged.push({row, tri, shown: `${timesText(iv)} ${o.of}`, with: [den]})
      }
      const summary = `${o.system}'s ${o.metric} / ${o.of} ${o.side} ${o.threshold} at ${where} point`
      return decide(judged, where, summary)
    },
  }
}

/** How many times `num`'s gain over native exceeds `den`'s, intervals taken at their far ends. */
function gainTrend(num: ResultRow, den: ResultRow): Interval | null {
  const a = gainInterval(num)
  const b = gainInterval(den)
  return a && b ? quotient(a, b) : null
}

/** The claim's text: its clauses' sentences. */
export function claimText(def: ExperimentDef): string | null {
  const c = def.clauses ?? []
  return c.length === 0 ? null : c.map((x) => x.text).join('; ')
}

/** The conjunction of clause verdicts: one refuted refutes the claim, one open leaves it open. */
export function conjunction(verdicts: readonly Verdict[]): Verdict {
  for (const v of ['not supported', 'inconclusive', 'untested'] as const) if (verdicts.includes(v)) return v
  return 'supported'
}

/** Every clause judged on the rows, and the claim's verdict; null when the experiment has no clauses. */
export function judgeClaim(def: ExperimentDef, rows: readonly ResultRow[]): ClaimVerdict | null {
  const clauses = def.clauses ?? []
  if (clauses.length === 0) return null
  const judged = clauses.map((clause) => ({clause, ...clause.check(rows)}))
  return {verdict: conjunction(judged.map((j) => j.verdict)), clauses: judged}
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

/** A published value (`about`) or bound (`at-most` / `at-least`) for one point of one metric. */
export interface PublishedPoint {
  kind: ReferenceKind
  value: number
}

/**
 * Whether an interval matches a published value within `tolerance` (0.15 = 15%) either way, or
 * meets a bound with at most `tolerance` to spare: decided when the whole interval agrees.
 */
export function matchesTri(iv: Interval, ref: PublishedPoint, tolerance: number): Tri {
  const miss = (v: number) => Math.abs(referenceGap(v, ref).errorPct ?? 0) / 100 <= tolerance
  const [lo, hi] = [miss(iv.low), miss(iv.high)]
  if (ref.kind !== 'about') return lo === hi ? lo : null
  // an `about` interval can pass through the tolerance band with both ends outside it
  const band = [ref.value * (1 - tolerance), ref.value * (1 + tolerance)]
  if (lo && hi) return true
  return iv.high < band[0] || iv.low > band[1] ? false : null
}
