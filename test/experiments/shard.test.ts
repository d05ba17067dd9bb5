/** --shard K/N: a deterministic split of a run's tasks, and shards that merge into the unsharded rows. */
import {describe, expect, it} from 'vitest'
import {loadProfile} from '../../src/config/index.js'
import {UsageError} from '../../src/errors.js'
import {selftest} from '../../src/experiments/selftest.js'
import {mergeShards, runExperiments, runShard} from '../../src/experiments/runner.js'
import {inShard, parseShard, shardPicks} from '../../src/experiments/shard.js'
import {toCsv} from '../../src/report/csv.js'

describe('parseShard', () => {
  it('reads K/N, 1-based', () => {
    expect(parseShard('2/3')).toEqual({index: 2, count: 3})
    expect(parseShard(' 1 / 1 ')).toEqual({index: 1, count: 1})
    expect(parseShard(undefined)).toBeUndefined()
  })
  it.each(['0/3', '4/3', '1/0', 'a/b', '1', '1/2/3', '-1/2', '1.5/2', ''])('refuses %j with one line', (raw) => {
    expect(() => parseShard(raw)).toThrow(UsageError)
    expect(() => parseShard(raw)).toThrow(/^--shard: expected K\/N/)
  })
})

describe('shardPicks', () => {
  it('gives every task of the run to exactly one shard, round-robin across experiments', () => {
    const counts = [5, 0, 7, 3]
    const shards = [1, 2, 3].map((index) => shardPicks(counts, {index, count: 3}))
    counts.forEach((n, k) => {
      const all = shards.flatMap((s) => s[k]).sort((a, b) => a - b)
      expect(all).toEqual(Array.from({length: n}, (_, i) => i))
    })
    // the run's 15 tasks in order go 1, 2, 3, 1, 2, 3, ...: each shard gets 5
    expect(shards.map((s) => s.flat().length)).toEqual([5, 5, 5])
    expect(shards[1][2]).toEqual([2, 5]) // experiment 3 holds ordinals 5..11: 7 and 10 are shard 2's
    expect(inShard(7, {index: 2, count: 3})).toBe(true)
  })
})

describe('runShard and mergeShards', () => {
  const base = {seed: 5, quick: false, replicates: 2, profile: loadProfile({}), jobs: 1}

  it('three shards merge into the rows of the unsharded run, byte for byte', async () => {
    const [whole] = await runExperiments([selftest], base)
    const parts = await Promise.all([1, 2, 3].map((index) => runShard([selftest], base, {index, count: 3})))
    const [merged] = mergeShards([selftest], base, [parts[2], parts[0], parts[1]])
    expect(toCsv(merged.rows)).toBe(toCsv(whole.rows))
    expect(merged.engine.events).toBe(whole.engine.events)
    expect(merged.points).toEqual(whole.points)
  })

  it('refuses a missing shard and a task given twice', async () => {
    const a = await runShard([selftest], base, {index: 1, count: 2})
    const b = await runShard([selftest], base, {index: 2, count: 2})
    expect(() => mergeShards([selftest], base, [a])).toThrow(/is in no shard/)
    expect(() => mergeShards([selftest], base, [a, b, a])).toThrow(/is in two shards/)
  })
})
