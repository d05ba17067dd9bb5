/** Test helper: the FlexSC counters of a point, read back from the note flexscNote() writes. */
import type {PointResult} from '../../src/experiments/types.js'

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
