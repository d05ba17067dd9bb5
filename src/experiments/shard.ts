/**
 * Splitting a run into shards for several machines (a CI matrix, a Slurm array, a Kubernetes
 * indexed job) and putting the pieces back. A run is a list of independent tasks (point x replicate
 * x system, each with its own derived seed), so any split gives the same results; the split is
 * round-robin over the run's tasks in order, so each shard gets a share of every experiment's
 * cheap and dear points.
 */
import {UsageError} from '../errors.js'

/** Shard `index` (1-based, as Playwright's `--shard 2/3`) of `count`. */
export interface Shard {
  index: number
  count: number
}

export const MAX_SHARDS = 10_000

/** `--shard K/N`: one line and exit 2 for anything else. */
export function parseShard(raw: string | undefined, flag = '--shard'): Shard | undefined {
  if (raw === undefined) return undefined
  const m = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(raw)
  const index = m ? Number(m[1]) : NaN
  const count = m ? Number(m[2]) : NaN
  if (!m || !(count >= 1 && count <= MAX_SHARDS) || !(index >= 1 && index <= count))
    throw new UsageError(`${flag}: expected K/N with 1 <= K <= N <= ${MAX_SHARDS} (e.g. ${flag} 2/3), got '${raw}'`)
  return {index, count}
}

/** Whether the run's task number `ordinal` (0-based, over all experiments in run order) is the shard's. */
export function inShard(ordinal: number, shard: Shard): boolean {
  return ordinal % shard.count === shard.index - 1
}

/**
 * Per experiment, the indices of its tasks that belong to the shard, given each experiment's task
 * count in run order.
 */
export function shardPicks(taskCounts: readonly number[], shard: Shard): number[][] {
  let ordinal = 0
  return taskCounts.map((n) => {
    const picks: number[] = []
    for (let i = 0; i < n; i++, ordinal++) if (inShard(ordinal, shard)) picks.push(i)
    return picks
  })
}
