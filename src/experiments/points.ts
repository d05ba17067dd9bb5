/** Sweep expansion and per-point seeds: the pure arithmetic under the runner. */
import {InvariantError} from '../errors.js'
import type {AxisDef, ParamValue, Point} from './types.js'

/**
 * Cartesian product of the axes' quick or full values, first axis outermost (so a CSV sorted by
 * the first column reads like the paper's x-axis). No axes gives one empty point.
 */
export function expandPoints(axes: readonly AxisDef[], quick: boolean): Point[] {
  let points: Record<string, ParamValue>[] = [{}]
  for (const axis of axes) {
    const values = quick ? axis.quick : axis.full
    if (values.length === 0) throw new InvariantError(`axis '${axis.name}' has no ${quick ? 'quick' : 'full'} values`)
    points = points.flatMap((p) => values.map((v) => ({...p, [axis.name]: v})))
  }
  return points
}

/** Axis values from `from` to `to` (inclusive) by powers of `factor`: 64, 256, ... for buffer sizes. */
export function powersOf(factor: number, from: number, to: number): number[] {
  const out: number[] = []
  for (let v = from; v <= to; v *= factor) out.push(v)
  return out
}

/** A stable text key of a point (axis order), for grouping rows and deriving seeds. */
export function pointKey(point: Point): string {
  return Object.entries(point)
    .map(([k, v]) => `${k}=${typeof v === 'number' ? 'n' : 's'}:${v}`)
    .join('|')
}

/**
 * The seed of one point: a 32-bit hash of (run seed, experiment, point). The system is left out on
 * purpose: every system at a point sees the same random draws (common random numbers), so their
 * difference is the design's, not the dice's. Being a pure function of its inputs, a point gets the
 * same seed whichever worker runs it and in whichever order.
 */
export function pointSeed(runSeed: number, experimentId: string, point: Point): number {
  return fnv1a32(`${runSeed}#${experimentId}#${pointKey(point)}`)
}

/**
 * The seed of replicate `r` of a point: replicate 0 is the point's own seed (a one-replicate run
 * draws what it always drew), the others hash the replicate in. Shared by every system, like pointSeed.
 */
export function replicateSeed(runSeed: number, experimentId: string, point: Point, r: number): number {
  if (r === 0) return pointSeed(runSeed, experimentId, point)
  return fnv1a32(`${runSeed}#${experimentId}#${pointKey(point)}#replicate-${r}`)
}

/** FNV-1a over UTF-16 code units, 32-bit; then an avalanche so nearby inputs spread. */
function fnv1a32(text: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  h ^= h >>> 16
  return h >>> 0
}
