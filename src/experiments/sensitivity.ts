/**
 * Which verdicts hang on which guesses: the profile's estimates (each with its plausible range) are
 * varied and the experiments re-run. Two designs:
 * - one at a time (OAT): each estimate at the low and at the high end of its range, the others at
 *   their values; a clause whose verdict differs at either end hangs on that estimate;
 * - Morris elementary effects: r trajectories through a p-level grid over all the ranges at once,
 *   each step moving one estimate by Delta; mu* (mean |effect|) ranks the estimates, sigma says
 *   whether an estimate's effect depends on the others (Morris 1991, Campolongo et al. 2007).
 * This module plans the variants and reads the results; running them is the runner's job.
 */
import {constantAt} from '../config/load.js'
import type {LoadedProfile} from '../config/index.js'
import type {Constant} from '../config/schema.js'
import {allConstantPaths, type KeySpec} from '../config/spec.js'
import {createRng} from '../sim/rng.js'

/** One estimate as a factor of the analysis: its value and the range it is varied over. */
export interface Factor {
  key: string
  value: number
  low: number
  high: number
  int: boolean
  /** True when the profile gives no range and the default x0.5-x2 (within the key's bounds) stands in. */
  assumed: boolean
  why: string
}

/** The default range where a profile gives none: "x0.5-x2 when nothing narrows it". */
export const ASSUMED_RANGE = 'x0.5-x2 (the profile gives no range)'

export function estimateFactors(profile: LoadedProfile, only?: readonly string[]): Factor[] {
  const specs = new Map(allConstantPaths().map(({path, spec}) => [path.join('.'), spec]))
  const out: Factor[] = []
  for (const key of profile.estimates) {
    const spec = specs.get(key)
    const c = constantAt(profile.profile, key.split('.')) as Constant | undefined
    if (!spec || !c || spec.dim === 'flag' || spec.profileOnly || typeof c.value !== 'number') continue
    if (only && !only.includes(key)) continue
    out.push(factorOf(key, c, spec))
  }
  return out
}

function factorOf(key: string, c: Constant, spec: KeySpec): Factor {
  const int = spec.int === true
  if (c.range)
    return {key, value: c.value, low: c.range[0], high: c.range[1], int, assumed: false, why: c.rangeSource ?? ''}
  let low = c.value / 2
  let high = c.value * 2
  if (spec.range === 'fraction') high = Math.min(1, high)
  if (spec.max !== undefined) high = Math.min(spec.max, high)
  if (int) {
    low = Math.max(spec.range === 'positive' ? 1 : 0, Math.round(low))
    high = Math.round(high)
  }
  return {key, value: c.value, low, high, int, assumed: true, why: ASSUMED_RANGE}
}

/** A profile variant to run: the `--set` assignments that make it from the run's profile. */
export interface Variant {
  /** `default`, or the factor moved (OAT), or `morris:<trajectory>:<step>`. */
  id: string
  sets: string[]
  /** OAT: the factor and the end of its range. */
  factor?: string
  level?: 'low' | 'high'
  value?: number
}

const fmt = (f: Factor, x: number) => String(f.int ? Math.round(x) : Number(x.toPrecision(6)))

/** Each factor at each end of its range (a factor whose range is one value is skipped: nothing moves). */
export function oatVariants(factors: readonly Factor[]): Variant[] {
  const out: Variant[] = [{id: 'default', sets: []}]
  for (const f of factors) {
    for (const level of ['low', 'high'] as const) {
      const x = level === 'low' ? f.low : f.high
      if (fmt(f, x) === fmt(f, f.value)) continue
      out.push({
        id: `${f.key}@${level}`,
        sets: [`${f.key}=${fmt(f, x)}`],
        factor: f.key,
        level,
        value: Number(fmt(f, x)),
      })
    }
  }
  return out
}

/** A Morris trajectory: k+1 points on the grid, each after the first moving one factor by +-Delta. */
export interface Trajectory {
  /** Grid coordinates in [0, 1] per factor, one array per point. */
  points: number[][]
  /** Which factor point i+1 moved, and the signed step. */
  moves: {factor: number; delta: number}[]
}

/**
 * r trajectories on a p-level grid (p even, Delta = p / (2(p - 1))), from the named stream
 * `sensitivity-morris` of the run seed: the same seed, the same design.
 */
export function morrisDesign(k: number, r: number, p: number, seed: number): Trajectory[] {
  const rng = createRng(seed, 'sensitivity-morris')
  const delta = p / (2 * (p - 1))
  const starts = Array.from({length: p / 2}, (_, i) => i / (p - 1)) // x and x + Delta both on the grid
  return Array.from({length: r}, () => {
    const base = Array.from({length: k}, () => starts[rng.int(0, starts.length - 1)])
    const up = Array.from({length: k}, () => rng.float() < 0.5)
    let x = base.map((b, i) => (up[i] ? b : b + delta))
    const order = shuffle(
      Array.from({length: k}, (_, i) => i),
      rng,
    )
    const points = [x]
    const moves = order.map((i) => {
      const d = up[i] ? delta : -delta
      x = x.map((v, j) => (j === i ? v + d : v))
      points.push(x)
      return {factor: i, delta: d}
    })
    return {points, moves}
  })
}

function shuffle<T>(xs: T[], rng: {int(lo: number, hi: number): number}): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = rng.int(0, i)
    ;[xs[i], xs[j]] = [xs[j], xs[i]]
  }
  return xs
}

/** The variants of a Morris design: every point of every trajectory as --set assignments. */
export function morrisVariants(factors: readonly Factor[], design: readonly Trajectory[]): Variant[] {
  const out: Variant[] = [{id: 'default', sets: []}]
  design.forEach((t, ti) =>
    t.points.forEach((x, pi) =>
      out.push({
        id: `morris:${ti}:${pi}`,
        sets: factors.map((f, i) => `${f.key}=${fmt(f, f.low + x[i] * (f.high - f.low))}`),
      }),
    ),
  )
  return out
}

/** mu* (mean |EE|), mu and sigma of each factor's elementary effects on a scalar output y. */
export interface MorrisIndex {
  key: string
  muStar: number
  mu: number
  sigma: number
  effects: number
}

/** `y[t][i]`: the output at point i of trajectory t (NaN where it could not be computed). */
export function morrisIndices(factors: readonly Factor[], design: readonly Trajectory[], y: number[][]): MorrisIndex[] {
  const effects: number[][] = factors.map(() => [])
  design.forEach((t, ti) =>
    t.moves.forEach((m, i) => {
      const ee = (y[ti][i + 1] - y[ti][i]) / m.delta
      if (Number.isFinite(ee)) effects[m.factor].push(ee)
    }),
  )
  return factors.map((f, i) => {
    const e = effects[i]
    const n = e.length
    const mu = n ? e.reduce((a, b) => a + b, 0) / n : NaN
    const muStar = n ? e.reduce((a, b) => a + Math.abs(b), 0) / n : NaN
    const sigma = n > 1 ? Math.sqrt(e.reduce((a, b) => a + (b - mu) ** 2, 0) / (n - 1)) : 0
    return {key: f.key, muStar, mu, sigma, effects: n}
  })
}
