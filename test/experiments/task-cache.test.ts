/** Resumable runs: finished tasks kept under --out are reused, and only when nothing they depend on changed. */
import {mkdtempSync, readdirSync} from 'node:fs'
import {tmpdir} from 'node:os'
import {join} from 'node:path'
import {describe, expect, it} from 'vitest'
import {runExperiments} from '../../src/experiments/runner.js'
import {codeHash, DirTaskCache, taskKey} from '../../src/experiments/task-cache.js'
import type {ExperimentDef} from '../../src/experiments/types.js'
import {toCsv} from '../../src/report/csv.js'
import {arith, fakeProfile} from './fixtures.js'

function counted(): {def: ExperimentDef; calls: () => number} {
  let n = 0
  return {
    def: {
      ...arith,
      run: (p, s, ctx) => {
        n++
        return arith.run(p, s, ctx)
      },
    },
    calls: () => n,
  }
}

describe('the task cache', () => {
  const base = {seed: 2, quick: true, jobs: 1, replicates: 2}

  it('a repeated run computes nothing and gives the same rows; another profile computes again', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtuos-cache-'))
    const a = counted()
    const [first] = await runExperiments([a.def], {...base, profile: fakeProfile, cache: new DirTaskCache(dir)})
    expect(a.calls()).toBe(8) // 2 points x 2 replicates x 2 systems
    const cache = new DirTaskCache(dir)
    const [again] = await runExperiments([a.def], {...base, profile: fakeProfile, cache})
    expect(a.calls()).toBe(8)
    expect(cache.hits).toBe(8)
    expect(toCsv(again.rows)).toBe(toCsv(first.rows))
    const other = {...fakeProfile, hash: 'def'}
    await runExperiments([a.def], {...base, profile: other, cache: new DirTaskCache(dir)})
    expect(a.calls()).toBe(16)
  })

  it('an interrupted run resumes: only the missing tasks run', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'virtuos-cache-'))
    const a = counted()
    // a run of the quick sweep, then of the full one (which holds the quick points): 12 of 24 remain
    await runExperiments([a.def], {...base, profile: fakeProfile, cache: new DirTaskCache(dir)})
    const full = {...a.def, axes: [{name: 'threads', quick: [1, 3, 2], full: [1, 2, 3]}, a.def.axes[1]]}
    await runExperiments([full], {...base, profile: fakeProfile, cache: new DirTaskCache(dir)})
    expect(a.calls()).toBe(8 + 4)
    expect(readdirSync(dir).length).toBeGreaterThan(0)
  })

  it('keys differ by every input and by the code', () => {
    const t = {experimentId: 'arith', point: {threads: 1}, system: 'native' as const, seed: 1}
    const k = taskKey(t, true, 'abc', 'code')
    expect(taskKey({...t, seed: 2}, true, 'abc', 'code')).not.toBe(k)
    expect(taskKey({...t, system: 'virtuos'}, true, 'abc', 'code')).not.toBe(k)
    expect(taskKey({...t, point: {threads: 2}}, true, 'abc', 'code')).not.toBe(k)
    expect(taskKey(t, false, 'abc', 'code')).not.toBe(k)
    expect(taskKey(t, true, 'abd', 'code')).not.toBe(k)
    expect(taskKey(t, true, 'abc', 'other code')).not.toBe(k)
    expect(codeHash()).toMatch(/^[0-9a-f]{16}$/)
  })
})
