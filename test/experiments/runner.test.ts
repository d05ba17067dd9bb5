import {describe, expect, it} from 'vitest'
import {UsageError} from '../../src/errors.js'
import {pointSeed} from '../../src/experiments/points.js'
import {runExperiments} from '../../src/experiments/runner.js'
import type {Point, RunContext, SystemId} from '../../src/experiments/types.js'
import {arith, fakeProfile} from './fixtures.js'

const opts = {seed: 5, quick: true, profile: fakeProfile, jobs: 1}

describe('runExperiments (in-process)', () => {
  it('runs every point on every system and reports progress over all tasks', async () => {
    const ticks: string[] = []
    const [run] = await runExperiments([arith], {...opts, onTaskDone: (d, t) => ticks.push(`${d}/${t}`)})
    expect(run.points).toHaveLength(2)
    expect(run.rows).toHaveLength(2 * 2 * 2)
    expect(ticks).toEqual(['1/4', '2/4', '3/4', '4/4'])
    expect(run.jobs).toBe(1)
  })

  it('hands each point its derived seed, the same for every system', async () => {
    const seen: number[] = []
    const spy = {...arith, run: (p: any, s: any, ctx: any) => (seen.push(ctx.seed), arith.run(p, s, ctx))}
    await runExperiments([spy], opts)
    const first = pointSeed(5, 'arith', {threads: 1, kind: 'a'})
    expect(seen.slice(0, 2)).toEqual([first, first])
    expect(seen[2]).toBe(pointSeed(5, 'arith', {threads: 3, kind: 'a'}))
  })

  it('restricts to the requested systems', async () => {
    const [run] = await runExperiments([arith], {...opts, systems: ['virtuos']})
    expect(new Set(run.rows.map((r) => r.system))).toEqual(new Set(['virtuos']))
  })

  it('rejects a system the experiment does not compare, before running anything', async () => {
    let ran = 0
    const counting = {...arith, run: (p: any, s: any, c: any) => (ran++, arith.run(p, s, c))}
    await expect(runExperiments([counting], {...opts, systems: ['flexsc']})).rejects.toThrow(UsageError)
    expect(ran).toBe(0)
  })

  it('collects notes with their point and system, and sums engine stats', async () => {
    const [run] = await runExperiments([arith], opts)
    expect(run.notes).toEqual(['[threads=n:1|kind=s:a] virtuos: fast', '[threads=n:3|kind=s:a] virtuos: fast'])
    expect(run.engine.points).toBe(4)
  })
})

describe('seedAxes and replicates', () => {
  /** Records the seed each task ran under. */
  const seen: {point: string; seed: number}[] = []
  const recorder = {
    ...arith,
    run(point: Point, system: SystemId, ctx: RunContext) {
      if (system === 'native') seen.push({point: JSON.stringify(point), seed: ctx.seed})
      return arith.run(point, system, ctx)
    },
  }
  it('gives points that differ only along an axis left out of seedAxes the same seeds', async () => {
    seen.length = 0
    await runExperiments([{...recorder, seedAxes: ['kind']}], {seed: 1, quick: true, profile: fakeProfile, jobs: 1})
    expect(new Set(seen.map((s) => s.seed)).size).toBe(1) // threads 1 and 3, same kind
    seen.length = 0
    await runExperiments([recorder], {seed: 1, quick: true, profile: fakeProfile, jobs: 1})
    expect(new Set(seen.map((s) => s.seed)).size).toBe(2)
  })
  it('runs each point under R replicate seeds, a deterministic experiment once', async () => {
    seen.length = 0
    const [run] = await runExperiments([recorder], {seed: 1, quick: true, profile: fakeProfile, jobs: 1, replicates: 3})
    expect(seen).toHaveLength(2 * 3)
    expect(new Set(seen.map((s) => s.seed)).size).toBe(6)
    expect(run.replicates).toBe(3)
    expect(run.rows.every((r) => r.replicates === 3)).toBe(true)
    seen.length = 0
    const [det] = await runExperiments([{...recorder, deterministic: 'no dice'}], {
      seed: 1,
      quick: true,
      profile: fakeProfile,
      jobs: 1,
      replicates: 3,
    })
    expect(seen).toHaveLength(2)
    expect(det.rows.every((r) => r.replicates === 1)).toBe(true)
  })
})
