/** Test helper: the FlexSC counters of a point, read back from the note flexscNote() writes. */
import {expect} from 'vitest'
import type {LoadedProfile} from '../../src/config/index.js'
import type {ExperimentDef, Point, PointResult} from '../../src/experiments/types.js'

export interface FlexscCounts {
  placement: string
  posts: number
  batches: number
  served: number
}

export function flexscCounts(result: PointResult): FlexscCounts | null {
  for (const note of result.notes ?? []) {
    const m = /^flexsc (\S+): (\d+) posts, (\d+) batches, (\d+) served/.exec(note)
    if (m) return {placement: m[1], posts: Number(m[2]), batches: Number(m[3]), served: Number(m[4])}
  }
  return null
}

/**
 * An experiment's point runs on flexsc through the syscall pages (at least `minPosts` posts, some
 * batches, no more served than posted), gives finite positive metrics, and native has no such note.
 */
export function expectRunsThroughFlexsc(
  def: ExperimentDef,
  point: Point,
  profile: LoadedProfile,
  minPosts: number,
): void {
  const ctx = {seed: 1, quick: true, profile}
  const r = def.run(point, 'flexsc', ctx)
  const c = flexscCounts(r)
  expect(c).not.toBeNull()
  expect(c!.placement).toBe('same-core')
  expect(c!.posts).toBeGreaterThanOrEqual(minPosts)
  expect(c!.batches).toBeGreaterThan(0)
  expect(c!.served).toBeLessThanOrEqual(c!.posts)
  expect(c!.served).toBeGreaterThan(0)
  // the per-mode IPCs are 0 when no modelled instruction ran in that mode (a loop of calls only)
  for (const [k, v] of Object.entries(r.metrics))
    expect(Number.isFinite(v) && (v > 0 || (k.endsWith('_ipc') && v === 0))).toBe(true)
  expect(flexscCounts(def.run(point, 'native', ctx))).toBeNull()
}
